// The resource registry: every API resource the mini-cluster serves, shaped like the entries of
// Kubernetes' discovery documents (group/version/resource/kind, scope, short names, verbs,
// categories, subresources). Discovery, routing, tables and kubectl's resource mapping all read it.
import type { ResourceRef } from '../store/types';

export interface SubresourceInfo {
  name: string;
  /** The kind the subresource returns (e.g. autoscaling/v1 Scale for `deployments/scale`). */
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  subresources: SubresourceInfo[];
  /** Field selectors accepted on top of metadata.name / metadata.namespace. */
  fieldSelectors: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION_DELETE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const status = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale: SubresourceInfo = { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };

interface Def {
  g: string;
  v: string;
  r: string;
  k: string;
  ns: boolean;
  short?: string[];
  verbs?: string[];
  cat?: string[];
  sub?: SubresourceInfo[];
  fields?: string[];
}

const DEFS: Def[] = [
  // core/v1
  { g: '', v: 'v1', r: 'bindings', k: 'Binding', ns: true, verbs: ['create'] },
  { g: '', v: 'v1', r: 'componentstatuses', k: 'ComponentStatus', ns: false, short: ['cs'], verbs: ['get', 'list'] },
  { g: '', v: 'v1', r: 'configmaps', k: 'ConfigMap', ns: true, short: ['cm'] },
  { g: '', v: 'v1', r: 'endpoints', k: 'Endpoints', ns: true, short: ['ep'] },
  { g: '', v: 'v1', r: 'events', k: 'Event', ns: true, short: ['ev'], fields: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'] },
  { g: '', v: 'v1', r: 'limitranges', k: 'LimitRange', ns: true, short: ['limits'] },
  { g: '', v: 'v1', r: 'namespaces', k: 'Namespace', ns: false, short: ['ns'], verbs: NO_COLLECTION_DELETE, sub: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }], fields: ['status.phase'] },
  { g: '', v: 'v1', r: 'nodes', k: 'Node', ns: false, short: ['no'], sub: [status('Node')], fields: ['spec.unschedulable'] },
  { g: '', v: 'v1', r: 'persistentvolumeclaims', k: 'PersistentVolumeClaim', ns: true, short: ['pvc'], sub: [status('PersistentVolumeClaim')] },
  { g: '', v: 'v1', r: 'persistentvolumes', k: 'PersistentVolume', ns: false, short: ['pv'], sub: [status('PersistentVolume')] },
  {
    g: '', v: 'v1', r: 'pods', k: 'Pod', ns: true, short: ['po'], cat: ['all'],
    sub: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      status('Pod'),
    ],
    fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  { g: '', v: 'v1', r: 'podtemplates', k: 'PodTemplate', ns: true },
  { g: '', v: 'v1', r: 'replicationcontrollers', k: 'ReplicationController', ns: true, short: ['rc'], cat: ['all'], sub: [scale, status('ReplicationController')], fields: ['status.replicas'] },
  { g: '', v: 'v1', r: 'resourcequotas', k: 'ResourceQuota', ns: true, short: ['quota'], sub: [status('ResourceQuota')] },
  { g: '', v: 'v1', r: 'secrets', k: 'Secret', ns: true, fields: ['type'] },
  { g: '', v: 'v1', r: 'serviceaccounts', k: 'ServiceAccount', ns: true, short: ['sa'] },
  { g: '', v: 'v1', r: 'services', k: 'Service', ns: true, short: ['svc'], cat: ['all'], verbs: NO_COLLECTION_DELETE, sub: [status('Service')] },
  // apps/v1
  { g: 'apps', v: 'v1', r: 'controllerrevisions', k: 'ControllerRevision', ns: true },
  { g: 'apps', v: 'v1', r: 'daemonsets', k: 'DaemonSet', ns: true, short: ['ds'], cat: ['all'], sub: [status('DaemonSet')] },
  { g: 'apps', v: 'v1', r: 'deployments', k: 'Deployment', ns: true, short: ['deploy'], cat: ['all'], sub: [scale, status('Deployment')] },
  { g: 'apps', v: 'v1', r: 'replicasets', k: 'ReplicaSet', ns: true, short: ['rs'], cat: ['all'], sub: [scale, status('ReplicaSet')], fields: ['status.replicas'] },
  { g: 'apps', v: 'v1', r: 'statefulsets', k: 'StatefulSet', ns: true, short: ['sts'], cat: ['all'], sub: [scale, status('StatefulSet')] },
  // authentication.k8s.io/v1 and authorization.k8s.io/v1: answered, never stored (see apiserver/reviews.ts)
  { g: 'authentication.k8s.io', v: 'v1', r: 'selfsubjectreviews', k: 'SelfSubjectReview', ns: false, verbs: ['create'] },
  { g: 'authentication.k8s.io', v: 'v1', r: 'tokenreviews', k: 'TokenReview', ns: false, verbs: ['create'] },
  { g: 'authorization.k8s.io', v: 'v1', r: 'selfsubjectaccessreviews', k: 'SelfSubjectAccessReview', ns: false, verbs: ['create'] },
  { g: 'authorization.k8s.io', v: 'v1', r: 'selfsubjectrulesreviews', k: 'SelfSubjectRulesReview', ns: false, verbs: ['create'] },
  { g: 'authorization.k8s.io', v: 'v1', r: 'subjectaccessreviews', k: 'SubjectAccessReview', ns: false, verbs: ['create'] },
  // autoscaling/v2
  { g: 'autoscaling', v: 'v2', r: 'horizontalpodautoscalers', k: 'HorizontalPodAutoscaler', ns: true, short: ['hpa'], cat: ['all'], sub: [status('HorizontalPodAutoscaler')] },
  // batch/v1
  { g: 'batch', v: 'v1', r: 'cronjobs', k: 'CronJob', ns: true, short: ['cj'], cat: ['all'], sub: [status('CronJob')] },
  { g: 'batch', v: 'v1', r: 'jobs', k: 'Job', ns: true, cat: ['all'], sub: [status('Job')], fields: ['status.successful'] },
  // coordination.k8s.io/v1
  { g: 'coordination.k8s.io', v: 'v1', r: 'leases', k: 'Lease', ns: true },
  // discovery.k8s.io/v1
  { g: 'discovery.k8s.io', v: 'v1', r: 'endpointslices', k: 'EndpointSlice', ns: true },
  // events.k8s.io/v1
  { g: 'events.k8s.io', v: 'v1', r: 'events', k: 'Event', ns: true, short: ['ev'] },
  // networking.k8s.io/v1
  { g: 'networking.k8s.io', v: 'v1', r: 'ingressclasses', k: 'IngressClass', ns: false },
  { g: 'networking.k8s.io', v: 'v1', r: 'ingresses', k: 'Ingress', ns: true, short: ['ing'], sub: [status('Ingress')] },
  { g: 'networking.k8s.io', v: 'v1', r: 'networkpolicies', k: 'NetworkPolicy', ns: true, short: ['netpol'] },
  // policy/v1
  { g: 'policy', v: 'v1', r: 'poddisruptionbudgets', k: 'PodDisruptionBudget', ns: true, short: ['pdb'], sub: [status('PodDisruptionBudget')] },
  // rbac.authorization.k8s.io/v1
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterrolebindings', k: 'ClusterRoleBinding', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterroles', k: 'ClusterRole', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'rolebindings', k: 'RoleBinding', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'roles', k: 'Role', ns: true },
  // scheduling.k8s.io/v1
  { g: 'scheduling.k8s.io', v: 'v1', r: 'priorityclasses', k: 'PriorityClass', ns: false, short: ['pc'] },
  // storage.k8s.io/v1
  { g: 'storage.k8s.io', v: 'v1', r: 'storageclasses', k: 'StorageClass', ns: false, short: ['sc'] },
];

/** Preferred order of API groups in discovery (kubectl resolves ambiguous short names by it). */
export const GROUP_ORDER = ['', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'scheduling.k8s.io'];

function singularOf(kind: string): string {
  return kind.toLowerCase();
}

export const RESOURCES: ResourceInfo[] = DEFS.map((d) => ({
  group: d.g,
  version: d.v,
  resource: d.r,
  kind: d.k,
  singular: singularOf(d.k),
  namespaced: d.ns,
  shortNames: d.short ?? [],
  verbs: d.verbs ?? ALL_VERBS,
  categories: d.cat ?? [],
  subresources: d.sub ?? [],
  fieldSelectors: d.fields ?? [],
}));

const byKey = new Map<string, ResourceInfo>(RESOURCES.map((r) => [`${r.group}/${r.resource}`, r]));

export function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.resource}`;
}

export function lookupResource(ref: ResourceRef): ResourceInfo | undefined {
  return byKey.get(refKey(ref));
}

/** Like lookupResource, but throws for an unknown resource (a programming error in a component). */
export function resourceInfo(ref: ResourceRef): ResourceInfo {
  const info = byKey.get(refKey(ref));
  if (!info) throw new Error(`unknown resource ${refKey(ref)}`);
  return info;
}

export function findByGroupVersionResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  const info = byKey.get(`${group}/${resource}`);
  return info && info.version === version ? info : undefined;
}

export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}

export function apiVersionOf(info: { group: string; version: string }): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

export function hasSubresource(ref: ResourceRef, name: string): boolean {
  return !!lookupResource(ref)?.subresources.some((s) => s.name === name);
}

/** Group → versions served, in preferred order. */
export function groupVersions(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of GROUP_ORDER) out.set(g, []);
  for (const r of RESOURCES) {
    const list = out.get(r.group) ?? [];
    if (!list.includes(r.version)) list.push(r.version);
    out.set(r.group, list);
  }
  for (const [g, v] of out) if (v.length === 0) out.delete(g);
  return out;
}

export function resourcesIn(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

/** Common references, so components do not repeat string literals. */
export const REF = {
  pods: { group: '', resource: 'pods' },
  services: { group: '', resource: 'services' },
  endpoints: { group: '', resource: 'endpoints' },
  namespaces: { group: '', resource: 'namespaces' },
  nodes: { group: '', resource: 'nodes' },
  events: { group: '', resource: 'events' },
  configmaps: { group: '', resource: 'configmaps' },
  secrets: { group: '', resource: 'secrets' },
  serviceaccounts: { group: '', resource: 'serviceaccounts' },
  persistentvolumes: { group: '', resource: 'persistentvolumes' },
  persistentvolumeclaims: { group: '', resource: 'persistentvolumeclaims' },
  deployments: { group: 'apps', resource: 'deployments' },
  replicasets: { group: 'apps', resource: 'replicasets' },
  daemonsets: { group: 'apps', resource: 'daemonsets' },
  statefulsets: { group: 'apps', resource: 'statefulsets' },
  controllerrevisions: { group: 'apps', resource: 'controllerrevisions' },
  jobs: { group: 'batch', resource: 'jobs' },
  cronjobs: { group: 'batch', resource: 'cronjobs' },
  leases: { group: 'coordination.k8s.io', resource: 'leases' },
  endpointslices: { group: 'discovery.k8s.io', resource: 'endpointslices' },
  poddisruptionbudgets: { group: 'policy', resource: 'poddisruptionbudgets' },
  storageclasses: { group: 'storage.k8s.io', resource: 'storageclasses' },
  ingresses: { group: 'networking.k8s.io', resource: 'ingresses' },
} as const satisfies Record<string, ResourceRef>;
