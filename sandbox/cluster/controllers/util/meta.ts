// Object metadata helpers shared by the controllers: resource refs for the kinds we manage,
// controller references, deep copies and timestamps.
import { RESOURCES, type ResourceInfo } from '../../api/registry';
import type { KubeObject, OwnerReference, ResourceRef } from '../../store/types';

export const R = {
  pods: { group: '', resource: 'pods' },
  nodes: { group: '', resource: 'nodes' },
  namespaces: { group: '', resource: 'namespaces' },
  services: { group: '', resource: 'services' },
  endpoints: { group: '', resource: 'endpoints' },
  events: { group: '', resource: 'events' },
  persistentVolumes: { group: '', resource: 'persistentvolumes' },
  persistentVolumeClaims: { group: '', resource: 'persistentvolumeclaims' },
  configMaps: { group: '', resource: 'configmaps' },
  secrets: { group: '', resource: 'secrets' },
  serviceAccounts: { group: '', resource: 'serviceaccounts' },
  replicationControllers: { group: '', resource: 'replicationcontrollers' },
  podTemplates: { group: '', resource: 'podtemplates' },
  limitRanges: { group: '', resource: 'limitranges' },
  resourceQuotas: { group: '', resource: 'resourcequotas' },
  deployments: { group: 'apps', resource: 'deployments' },
  replicaSets: { group: 'apps', resource: 'replicasets' },
  daemonSets: { group: 'apps', resource: 'daemonsets' },
  statefulSets: { group: 'apps', resource: 'statefulsets' },
  controllerRevisions: { group: 'apps', resource: 'controllerrevisions' },
  jobs: { group: 'batch', resource: 'jobs' },
  cronJobs: { group: 'batch', resource: 'cronjobs' },
  endpointSlices: { group: 'discovery.k8s.io', resource: 'endpointslices' },
  storageClasses: { group: 'storage.k8s.io', resource: 'storageclasses' },
  ingresses: { group: 'networking.k8s.io', resource: 'ingresses' },
  networkPolicies: { group: 'networking.k8s.io', resource: 'networkpolicies' },
  leases: { group: 'coordination.k8s.io', resource: 'leases' },
  roles: { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  roleBindings: { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  horizontalPodAutoscalers: { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
  podDisruptionBudgets: { group: 'policy', resource: 'poddisruptionbudgets' },
  eventsV1: { group: 'events.k8s.io', resource: 'events' },
} satisfies Record<string, ResourceRef>;

export function apiGroupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The resource behind an ownerReference's apiVersion/kind (any served version of the group). */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const group = apiGroupOf(apiVersion);
  return RESOURCES.find((r) => r.group === group && r.kind === kind);
}

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerRefOf(obj)?.uid === owner.metadata.uid;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function isDeleting(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp;
}

/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseTime(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export function creationMs(obj: KubeObject): number {
  return parseTime(obj.metadata.creationTimestamp) ?? 0;
}

/** Sort helper: oldest first, then by name (controller.ReplicaSetsByCreationTimestamp). */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return creationMs(a) - creationMs(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** Runs `fn` and swallows NotFound (the object vanished meanwhile). */
export function ignoreNotFound<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

export function isAlreadyExists(err: unknown): boolean {
  return (err as { code?: number; reason?: string }).code === 409 && (err as { reason?: string }).reason === 'AlreadyExists';
}
