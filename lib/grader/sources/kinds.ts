/** apiVersion and scope of the kinds lessons check; `apiVersion` on a check overrides. */
const kinds: Record<string, { apiVersion: string; namespaced: boolean }> = {
  Pod: { apiVersion: 'v1', namespaced: true },
  Service: { apiVersion: 'v1', namespaced: true },
  Endpoints: { apiVersion: 'v1', namespaced: true },
  ConfigMap: { apiVersion: 'v1', namespaced: true },
  Secret: { apiVersion: 'v1', namespaced: true },
  PersistentVolumeClaim: { apiVersion: 'v1', namespaced: true },
  ServiceAccount: { apiVersion: 'v1', namespaced: true },
  Event: { apiVersion: 'v1', namespaced: true },
  Node: { apiVersion: 'v1', namespaced: false },
  Namespace: { apiVersion: 'v1', namespaced: false },
  PersistentVolume: { apiVersion: 'v1', namespaced: false },
  Deployment: { apiVersion: 'apps/v1', namespaced: true },
  ReplicaSet: { apiVersion: 'apps/v1', namespaced: true },
  StatefulSet: { apiVersion: 'apps/v1', namespaced: true },
  DaemonSet: { apiVersion: 'apps/v1', namespaced: true },
  ControllerRevision: { apiVersion: 'apps/v1', namespaced: true },
  Job: { apiVersion: 'batch/v1', namespaced: true },
  CronJob: { apiVersion: 'batch/v1', namespaced: true },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', namespaced: true },
  Ingress: { apiVersion: 'networking.k8s.io/v1', namespaced: true },
  StorageClass: { apiVersion: 'storage.k8s.io/v1', namespaced: false },
};

export function kindInfo(kind: string, apiVersion?: string): { apiVersion: string; namespaced: boolean } {
  const known = kinds[kind];
  if (known) return { apiVersion: apiVersion ?? known.apiVersion, namespaced: known.namespaced };
  if (!apiVersion) throw new Error(`unknown kind "${kind}": add apiVersion to the check`);
  return { apiVersion, namespaced: true };
}
