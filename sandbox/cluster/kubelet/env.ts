// Resolves a container's environment like the kubelet: literal values, `valueFrom` (downward API
// fields, ConfigMap and Secret keys) and `envFrom`. Missing references fail the container with
// CreateContainerConfigError, using the kubelet's wording.
import { REF } from '../api/registry';
import type { ClusterContext } from '../context';
import type { KubeObject } from '../store/types';
import type { ContainerSpec } from './pod-worker';

export class EnvResolutionError extends Error {}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    resourceFieldRef?: { resource: string };
  };
}

interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

function fieldRef(pod: KubeObject, path: string, hostIP: string, podIP: string): string {
  const meta = pod.metadata;
  const spec = pod.spec as Record<string, unknown>;
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return meta.labels?.[label[1]] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotation) return meta.annotations?.[annotation[1]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return String(spec.nodeName ?? '');
    case 'spec.serviceAccountName':
      return String(spec.serviceAccountName ?? 'default');
    case 'status.hostIP':
      return hostIP;
    case 'status.podIP':
      return podIP;
    default:
      return '';
  }
}

function decode(secret: KubeObject, key: string): string | undefined {
  const data = secret.data as Record<string, string> | undefined;
  const v = data?.[key];
  return v === undefined ? (secret.stringData as Record<string, string> | undefined)?.[key] : Buffer.from(v, 'base64').toString('utf8');
}

interface ServiceView {
  metadata: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; type?: string; ports?: Array<{ name?: string; port: number; protocol?: string }> };
}

/** Docker-link-style variables for one service, as the kubelet writes them (`NGINX_SERVICE_HOST`…). */
function serviceVars(svc: ServiceView, out: Map<string, string>): void {
  const ip = svc.spec?.clusterIP;
  const ports = svc.spec?.ports ?? [];
  if (!ip || ip === 'None' || svc.spec?.type === 'ExternalName' || ports.length === 0) return;
  const prefix = (svc.metadata.name ?? '').toUpperCase().replace(/-/g, '_');
  out.set(`${prefix}_SERVICE_HOST`, ip);
  out.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
  for (const p of ports) if (p.name) out.set(`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port));
  const first = ports[0];
  out.set(`${prefix}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`);
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toUpperCase();
    const base = `${prefix}_PORT_${p.port}_${proto}`;
    out.set(base, `${proto.toLowerCase()}://${ip}:${p.port}`);
    out.set(`${base}_PROTO`, proto.toLowerCase());
    out.set(`${base}_PORT`, String(p.port));
    out.set(`${base}_ADDR`, ip);
  }
}

/**
 * Service environment variables (enableServiceLinks, default true): every service of the pod's
 * namespace, and always the `kubernetes` service of `default`.
 */
function serviceEnv(ctx: ClusterContext, pod: KubeObject): Map<string, string> {
  const out = new Map<string, string>();
  const ns = pod.metadata.namespace ?? 'default';
  const links = (pod.spec as { enableServiceLinks?: boolean }).enableServiceLinks !== false;
  const services = links ? (ctx.store.list(REF.services, { namespace: ns }).items as unknown as ServiceView[]) : [];
  const master = ctx.store.get(REF.services, 'default', 'kubernetes') as unknown as ServiceView | undefined;
  if (master && !(links && ns === 'default')) services.push(master);
  for (const svc of services) serviceVars(svc, out);
  return out;
}

export function resolveEnv(ctx: ClusterContext, pod: KubeObject, c: ContainerSpec, hostIP: string, podIP: string): Array<{ name: string; value: string }> {
  const ns = pod.metadata.namespace;
  const out = serviceEnv(ctx, pod);
  for (const src of (c.envFrom ?? []) as EnvFromSource[]) {
    const prefix = src.prefix ?? '';
    if (src.configMapRef) {
      const cm = ctx.store.get(REF.configmaps, ns, src.configMapRef.name);
      if (!cm) {
        if (src.configMapRef.optional) continue;
        throw new EnvResolutionError(`configmap "${src.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) out.set(prefix + k, v);
    }
    if (src.secretRef) {
      const s = ctx.store.get(REF.secrets, ns, src.secretRef.name);
      if (!s) {
        if (src.secretRef.optional) continue;
        throw new EnvResolutionError(`secret "${src.secretRef.name}" not found`);
      }
      for (const k of Object.keys((s.data ?? {}) as Record<string, string>)) out.set(prefix + k, decode(s, k) ?? '');
    }
  }
  for (const e of (c.env ?? []) as EnvVar[]) {
    const from = e.valueFrom;
    if (!from) {
      out.set(e.name, (e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => out.get(n) ?? m));
      continue;
    }
    if (from.fieldRef) out.set(e.name, fieldRef(pod, from.fieldRef.fieldPath, hostIP, podIP));
    else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const cm = ctx.store.get(REF.configmaps, ns, ref.name);
      const v = (cm?.data as Record<string, string> | undefined)?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new EnvResolutionError(cm ? `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}` : `configmap "${ref.name}" not found`);
      }
      out.set(e.name, v);
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const s = ctx.store.get(REF.secrets, ns, ref.name);
      const v = s ? decode(s, ref.key) : undefined;
      if (v === undefined) {
        if (ref.optional) continue;
        throw new EnvResolutionError(s ? `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}` : `secret "${ref.name}" not found`);
      }
      out.set(e.name, v);
    } else if (from.resourceFieldRef) out.set(e.name, '');
  }
  return [...out.entries()].map(([name, value]) => ({ name, value }));
}
