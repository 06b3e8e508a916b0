// What kube-controller-manager's serviceaccount and root-ca-cert-publisher controllers do: every
// namespace gets a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap holding the
// cluster CA (pods mount it with their service account token).
import { REF } from '../api/registry';
import type { ClusterContext } from '../context';
import type { KubeObject, ResourceRef } from '../store/types';

function ensure(ctx: ClusterContext, ref: ResourceRef, obj: KubeObject): void {
  if (ctx.store.get(ref, obj.metadata.namespace, obj.metadata.name!)) return;
  try {
    ctx.store.create(ref, obj);
  } catch (err) {
    // Lost a race with another writer, or the namespace is going away: nothing to do.
    if ((err as { code?: number }).code !== 409) process.stderr.write(`namespace-defaults: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

export function ensureNamespaceDefaults(ctx: ClusterContext, namespace: string, caCert: string): void {
  const ns = ctx.store.get(REF.namespaces, undefined, namespace);
  if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
  ensure(ctx, REF.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
  ensure(ctx, REF.configmaps, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt', namespace, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
    data: { 'ca.crt': caCert },
  });
}

/** Watches namespaces and keeps their defaults in place (re-created if deleted, like upstream). */
export function startNamespaceDefaults(ctx: ClusterContext, caCert: string): { stop(): void } {
  const watches = [
    ctx.store.watch(REF.namespaces, {}, (ev) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') ensureNamespaceDefaults(ctx, ev.object.metadata.name!, caCert);
    }),
    ctx.store.watch(REF.serviceaccounts, { fieldSelector: 'metadata.name=default' }, (ev) => {
      if (ev.type === 'DELETED') setTimeout(() => ensureNamespaceDefaults(ctx, ev.object.metadata.namespace!, caCert), 0);
    }),
    ctx.store.watch(REF.configmaps, { fieldSelector: 'metadata.name=kube-root-ca.crt' }, (ev) => {
      if (ev.type === 'DELETED') setTimeout(() => ensureNamespaceDefaults(ctx, ev.object.metadata.namespace!, caCert), 0);
    }),
  ];
  return { stop: () => watches.forEach((w) => w.stop()) };
}
