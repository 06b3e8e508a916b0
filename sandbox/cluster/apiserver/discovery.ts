// Discovery documents: legacy (/api APIVersions, /apis APIGroupList, /api/v1 APIResourceList)
// and aggregated (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, when the Accept header asks).
import { apiVersionOf, groupVersions, resourcesIn, type ResourceInfo } from '../api/registry';
import { parseAccept } from './http';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the client accepts the aggregated v2 discovery format (kubectl 1.35 does). */
export function wantsAggregated(accept: string | undefined): boolean {
  return parseAccept(accept).some((a) => a.params.g === 'apidiscovery.k8s.io' && a.params.v === 'v2' && a.params.as === 'APIGroupDiscoveryList');
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: string[]): object {
  const gvs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(): object {
  const groups = [...groupVersions()].filter(([g]) => g !== '').map(([g, versions]) => groupEntry(g, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(group: string): object | undefined {
  const versions = groupVersions().get(group);
  if (!group || !versions) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) };
}

export function apiResourceList(group: string, version: string): object | undefined {
  const resources = resourcesIn(group, version);
  if (resources.length === 0) return undefined;
  const out: object[] = [];
  for (const r of resources) {
    out.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
      storageVersionHash: storageVersionHash(r),
    });
    for (const s of r.subresources) {
      out.push({
        name: `${r.resource}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.group ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: out };
}

function storageVersionHash(r: ResourceInfo): string {
  let h = 0;
  for (const ch of `${r.group}/${r.version}/${r.kind}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return Buffer.from(String(h >>> 0)).toString('base64').slice(0, 11);
}

function resourceDiscovery(r: ResourceInfo): object {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind }, verbs: s.verbs })) }
      : {}),
  };
}

/** `/api` (core only) or `/apis` (every named group) in the aggregated format. */
export function aggregatedDiscovery(core: boolean): object {
  const items = [...groupVersions()]
    .filter(([g]) => (core ? g === '' : g !== ''))
    .map(([g, versions]) => ({
      metadata: g ? { name: g } : {},
      versions: versions.map((v) => ({ version: v, resources: resourcesIn(g, v).map(resourceDiscovery), freshness: 'Current' })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
