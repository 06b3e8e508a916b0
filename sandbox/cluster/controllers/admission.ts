// Admission hooks owned by the controllers: Service ClusterIP and NodePort allocation (the
// API server's allocators in Kubernetes) and the immutability rules of workload selectors.
import { invalid, type StatusCause } from '../api/errors';
import type { AdmissionOperation, AdmissionRegistry, ClusterContext } from '../context';
import type { KubeObject } from '../store/types';
import { intToIp, ipToInt, isIPv4, parseCIDR } from './util/ip';
import { semanticEqual } from './util/hash';
import { admitCronJob } from './cronjob';
import { R } from './util/meta';
import { admitClaim } from './volumes';

type Spec = Record<string, any>;

function allocatedClusterIPs(ctx: ClusterContext, except?: KubeObject): Set<string> {
  const used = new Set<string>();
  for (const svc of ctx.store.list(R.services).items) {
    if (except && svc.metadata.uid === except.metadata.uid) continue;
    for (const ip of [(svc.spec as Spec)?.clusterIP, ...((svc.spec as Spec)?.clusterIPs ?? [])]) if (isIPv4(ip)) used.add(ip);
  }
  return used;
}

function allocatedNodePorts(ctx: ClusterContext, except?: KubeObject): Set<number> {
  const used = new Set<number>();
  for (const svc of ctx.store.list(R.services).items) {
    if (except && svc.metadata.uid === except.metadata.uid) continue;
    for (const p of ((svc.spec as Spec)?.ports ?? []) as Spec[]) if (p.nodePort) used.add(p.nodePort);
    const hc = (svc.spec as Spec)?.healthCheckNodePort;
    if (hc) used.add(hc);
  }
  return used;
}

function goStringSlice(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** Picks a free ClusterIP: the `kubernetes` Service gets the first address, others a random one from the upper band. */
function allocateClusterIP(ctx: ClusterContext, svc: KubeObject, used: Set<string>): string {
  const { first, size } = parseCIDR(ctx.options.serviceCIDR);
  if (svc.metadata.name === 'kubernetes' && svc.metadata.namespace === 'default' && !used.has(intToIp(first + 1))) return intToIp(first + 1);
  // Like upstream, dynamic allocations prefer the range above a small static band.
  const offset = Math.min(Math.max(16, Math.floor(size / 16)), 256);
  const lo = first + offset;
  const hi = first + size - 2;
  for (let i = 0; i < 64; i++) {
    const candidate = intToIp(lo + Math.floor(Math.random() * (hi - lo + 1)));
    if (!used.has(candidate)) return candidate;
  }
  for (let n = first + 1; n <= hi; n++) if (!used.has(intToIp(n))) return intToIp(n);
  throw invalid('', 'Service', svc.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Internal error: failed to allocate a serviceIP: range is full' }]);
}

export function admitService(op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined, ctx: ClusterContext): KubeObject {
  if (op === 'DELETE') return obj;
  const name = obj.metadata.name ?? '';
  const spec = ((obj.spec ??= {}) as Spec);
  const oldSpec = (old?.spec ?? {}) as Spec;
  const type = spec.type ?? 'ClusterIP';
  const causes: StatusCause[] = [];

  if (type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    if (op === 'UPDATE' && oldSpec.clusterIP && oldSpec.type !== 'ExternalName') {
      if (!spec.clusterIP && !(spec.clusterIPs ?? []).length) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
      } else if (spec.clusterIP && spec.clusterIP !== oldSpec.clusterIP) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: ${goStringSlice([spec.clusterIP])}: may not change once set` });
      }
    }
    const requested: string | undefined = spec.clusterIP || spec.clusterIPs?.[0] || undefined;
    if (requested === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    } else if (requested && !(op === 'UPDATE' && requested === oldSpec.clusterIP)) {
      const { first, last } = parseCIDR(ctx.options.serviceCIDR);
      if (!isIPv4(requested)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: ${JSON.stringify(requested)}: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` });
      } else if (ipToInt(requested) <= first || ipToInt(requested) >= last) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStringSlice([requested])}: failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${ctx.options.serviceCIDR}` });
      } else if (allocatedClusterIPs(ctx, old).has(requested)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStringSlice([requested])}: failed to allocate IP ${requested}: provided IP is already allocated` });
      } else {
        spec.clusterIP = requested;
        spec.clusterIPs = [requested];
      }
    } else if (!requested) {
      const ip = allocateClusterIP(ctx, obj, allocatedClusterIPs(ctx, old));
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
  }

  const ports = (spec.ports ?? []) as Spec[];
  const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  if (!wantsNodePorts) {
    if (type === 'ClusterIP' || type === 'ExternalName') for (const p of ports) delete p.nodePort;
  } else {
    const { min, max } = ctx.options.nodePortRange;
    const used = allocatedNodePorts(ctx, old);
    const oldPorts = (oldSpec.ports ?? []) as Spec[];
    const mine = new Set<number>();
    ports.forEach((p, i) => {
      if (!p.nodePort && op === 'UPDATE') {
        const prev = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort) ?? oldPorts.find((o) => o.name && o.name === p.name && o.nodePort);
        if (prev && !mine.has(prev.nodePort)) p.nodePort = prev.nodePort;
      }
      if (p.nodePort) {
        const n = Number(p.nodePort);
        const keptFromOld = oldPorts.some((o) => o.nodePort === n);
        if (!Number.isInteger(n) || n < min || n > max) {
          causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${min}-${max}` });
        } else if ((used.has(n) && !keptFromOld) || mine.has(n)) {
          causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${n}: provided port is already allocated` });
        }
        mine.add(n);
        return;
      }
      for (let attempt = 0; attempt < 200; attempt++) {
        const n = min + Math.floor(Math.random() * (max - min + 1));
        if (!used.has(n) && !mine.has(n)) {
          p.nodePort = n;
          mine.add(n);
          return;
        }
      }
      for (let n = min; n <= max; n++) {
        if (!used.has(n) && !mine.has(n)) {
          p.nodePort = n;
          mine.add(n);
          return;
        }
      }
      causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: 'Internal error: failed to allocate a nodePort: range is full' });
    });
  }
  if (causes.length) throw invalid('', 'Service', name, causes);
  return obj;
}

/** Go's %#v of a metav1.LabelSelector, as `field is immutable` errors print it. */
export function goLabelSelector(sel: Spec | undefined): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const ml = sel.matchLabels && Object.keys(sel.matchLabels).length
    ? `map[string]string{${Object.keys(sel.matchLabels).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(sel.matchLabels[k])}`).join(', ')}}`
    : 'map[string]string(nil)';
  const me = sel.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{${(sel.matchExpressions as Spec[]).map((r) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(r.key)}, Operator:${JSON.stringify(r.operator)}, Values:${r.values ? goStringSlice(r.values) : '[]string(nil)'}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}

function immutableSelector(group: string, kind: string) {
  return (op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): KubeObject => {
    if (op !== 'UPDATE' || !old) return obj;
    const sel = (obj.spec as Spec | undefined)?.selector;
    const oldSel = (old.spec as Spec | undefined)?.selector;
    if (!semanticEqual(sel, oldSel)) {
      throw invalid(group, kind, obj.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.selector', message: `Invalid value: ${goLabelSelector(sel)}: field is immutable` }]);
    }
    return obj;
  };
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function admitStatefulSet(op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): KubeObject {
  if (op !== 'UPDATE' || !old) return obj;
  const a = { ...((obj.spec ?? {}) as Spec) };
  const b = { ...((old.spec ?? {}) as Spec) };
  for (const k of STS_MUTABLE) {
    delete a[k];
    delete b[k];
  }
  if (!semanticEqual(a, b)) {
    throw invalid('apps', 'StatefulSet', obj.metadata.name ?? '', [{ reason: 'FieldValueForbidden', field: 'spec', message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" }]);
  }
  return obj;
}

function admitJob(op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): KubeObject {
  if (op !== 'UPDATE' || !old) return obj;
  const spec = (obj.spec ?? {}) as Spec;
  const oldSpec = (old.spec ?? {}) as Spec;
  const causes: StatusCause[] = [];
  if (!semanticEqual(spec.selector, oldSpec.selector)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: `Invalid value: ${goLabelSelector(spec.selector)}: field is immutable` });
  if (!semanticEqual(spec.template, oldSpec.template)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.template', message: 'Invalid value: core.PodTemplateSpec{...}: field is immutable' });
  if (spec.completions !== oldSpec.completions && !(spec.completionMode === 'Indexed' && spec.completions === spec.parallelism)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.completions', message: `Invalid value: ${spec.completions}: field is immutable` });
  }
  if (causes.length) throw invalid('batch', 'Job', obj.metadata.name ?? '', causes);
  return obj;
}

export function registerAdmissionHooks(admission: AdmissionRegistry): void {
  admission.register(R.services, admitService);
  admission.register(R.deployments, immutableSelector('apps', 'Deployment'));
  admission.register(R.replicaSets, immutableSelector('apps', 'ReplicaSet'));
  admission.register(R.daemonSets, immutableSelector('apps', 'DaemonSet'));
  admission.register(R.statefulSets, admitStatefulSet);
  admission.register(R.jobs, admitJob);
  admission.register(R.cronJobs, admitCronJob);
  admission.register(R.persistentVolumeClaims, admitClaim);
}
