// Defaulting, as Kubernetes' API server does it on create and update, so objects read back with
// `kubectl get -o yaml` carry the same defaulted fields as on a real cluster.
import type { KubeObject } from '../store/types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(parent: Obj, key: string): Obj {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Obj;
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

/** `Always` for `:latest` or untagged images, else `IfNotPresent` (digests count as tagged). */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: unknown): void {
  if (!isObj(c)) return;
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) setDefault(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe];
    if (!isObj(pr)) continue;
    setDefault(pr, 'timeoutSeconds', 1);
    setDefault(pr, 'periodSeconds', 10);
    setDefault(pr, 'successThreshold', 1);
    setDefault(pr, 'failureThreshold', 3);
    if (isObj(pr.httpGet)) setDefault(pr.httpGet, 'path', '/'), setDefault(pr.httpGet, 'scheme', 'HTTP');
  }
  if (Array.isArray(c.env)) {
    for (const e of c.env) {
      const fieldRef = isObj(e) && isObj(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
      if (isObj(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
    }
  }
}

export function defaultPodSpec(spec: Obj): void {
  for (const list of ['containers', 'initContainers']) if (Array.isArray(spec[list])) (spec[list] as unknown[]).forEach(defaultContainer);
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  if (Array.isArray(spec.volumes)) {
    for (const v of spec.volumes) {
      if (!isObj(v)) continue;
      for (const key of ['configMap', 'secret']) if (isObj(v[key])) setDefault(v[key] as Obj, 'defaultMode', 420);
      if (isObj(v.hostPath)) setDefault(v.hostPath, 'type', '');
    }
  }
}

function defaultTemplate(spec: Obj): void {
  defaultPodSpec(obj(obj(spec, 'template'), 'spec'));
}

function defaultJobSpec(spec: Obj): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultTemplate(spec);
}

const byKind: Record<string, (o: KubeObject) => void> = {
  Pod(o) {
    defaultPodSpec(obj(o, 'spec'));
    const spec = o.spec as Obj;
    setDefault(spec, 'enableServiceLinks', true);
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    setDefault(spec, 'priority', 0);
    setDefault(spec, 'serviceAccountName', 'default');
    setDefault(spec, 'serviceAccount', spec.serviceAccountName);
    if (!Array.isArray(spec.tolerations)) spec.tolerations = [];
    const tolerations = spec.tolerations as Obj[];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((t) => isObj(t) && t.key === key && t.effect === 'NoExecute')) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    const status = obj(o, 'status');
    setDefault(status, 'phase', 'Pending');
    setDefault(status, 'qosClass', qosClass(spec));
  },
  Deployment(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'replicas', 1);
    const strategy = obj(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = obj(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', '25%');
      setDefault(ru, 'maxSurge', '25%');
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    defaultTemplate(spec);
  },
  ReplicaSet(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  ReplicationController(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  DaemonSet(o) {
    const spec = obj(o, 'spec');
    const strategy = obj(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = obj(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', 1);
      setDefault(ru, 'maxSurge', 0);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
  },
  StatefulSet(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    const strategy = obj(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') setDefault(obj(strategy, 'rollingUpdate'), 'partition', 0);
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    if (Array.isArray(spec.volumeClaimTemplates)) {
      for (const t of spec.volumeClaimTemplates) if (isObj(t)) {
        setDefault(t, 'apiVersion', 'v1');
        setDefault(t, 'kind', 'PersistentVolumeClaim');
        setDefault(obj(t, 'spec'), 'volumeMode', 'Filesystem');
      }
    }
    defaultTemplate(spec);
  },
  Job(o) {
    defaultJobSpec(obj(o, 'spec'));
  },
  CronJob(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    const jt = obj(spec, 'jobTemplate');
    defaultJobSpec(obj(jt, 'spec'));
  },
  Service(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec.type === 'ExternalName') return;
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) if (isObj(p)) {
        setDefault(p, 'protocol', 'TCP');
        setDefault(p, 'targetPort', p.port);
      }
    }
    if (!isObj(o.status)) o.status = { loadBalancer: {} };
  },
  Namespace(o) {
    const meta = o.metadata;
    meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name ?? '' };
    setDefault(obj(o, 'spec'), 'finalizers', ['kubernetes']);
    setDefault(obj(o, 'status'), 'phase', 'Active');
  },
  Secret(o) {
    setDefault(o as Obj, 'type', 'Opaque');
  },
  PersistentVolumeClaim(o) {
    setDefault(obj(o, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(obj(o, 'status'), 'phase', 'Pending');
  },
  PersistentVolume(o) {
    const spec = obj(o, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
    setDefault(obj(o, 'status'), 'phase', 'Pending');
  },
  StorageClass(o) {
    setDefault(o as Obj, 'reclaimPolicy', 'Delete');
    setDefault(o as Obj, 'volumeBindingMode', 'Immediate');
  },
  HorizontalPodAutoscaler(o) {
    setDefault(obj(o, 'spec'), 'minReplicas', 1);
  },
  PodDisruptionBudget() {},
};

type Quantityish = Record<string, unknown> | undefined;

function qosClass(spec: Obj): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isObj) : []);
  const containers = [...list(spec.containers), ...list(spec.initContainers)];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = isObj(c.resources) ? c.resources : {};
    const req = res.requests as Quantityish;
    const lim = res.limits as Quantityish;
    if ((req && Object.keys(req).length) || (lim && Object.keys(lim).length)) anySet = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim?.[r];
      const q = req?.[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Applies Kubernetes defaults in place (unknown kinds are left alone). */
export function applyDefaults(o: KubeObject): KubeObject {
  byKind[o.kind]?.(o);
  return o;
}
