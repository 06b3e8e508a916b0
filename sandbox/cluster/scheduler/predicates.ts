// Filter predicates of the default scheduler profile: NodeUnschedulable, NodeName,
// TaintToleration, NodeAffinity (nodeSelector + required affinity), NodePorts and
// NodeResourcesFit, with upstream's reason strings.
import type { KubeObject } from '../store/types';
import { interPodFilter, topologySpreadFilter } from './interpod';
import { milliCPU, parseQuantity } from './quantity';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface Resources {
  milliCPU: number;
  memory: number;
  pods: number;
}

export interface NodeInfo {
  node: KubeObject;
  name: string;
  requested: Resources;
  allocatable: Resources;
  pods: KubeObject[];
  usedHostPorts: Set<string>;
}

export interface FilterFailure {
  reasons: string[];
  /** UnschedulableAndUnresolvable: preemption cannot help. */
  unresolvable: boolean;
}

export const ErrUnschedulable = 'node(s) were unschedulable';
export const ErrNodeName = "node(s) didn't match the requested node name";
export const ErrNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
export const ErrNodePorts = "node(s) didn't have free ports for the requested pod ports";

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

export function tolerationsTolerateTaint(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

export function nodeTaints(node: KubeObject): Taint[] {
  return ((node.spec as any)?.taints ?? []) as Taint[];
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate. */
export function firstUntoleratedTaint(node: KubeObject, tolerations: Toleration[] | undefined): Taint | undefined {
  return nodeTaints(node).find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerationsTolerateTaint(tolerations, taint));
}

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(value!, 10);
      const b = Number.parseInt(values[0], 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: all expressions and fields must match; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined)) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.metadata.name)) return false;
  }
  return true;
}

export function nodeMatchesPodAffinity(pod: KubeObject, node: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as Record<string, any>;
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const terms = (required.nodeSelectorTerms ?? []) as any[];
    if (!terms.some((t) => nodeSelectorTermMatches(t, node))) return false;
  }
  return true;
}

export function podRequests(pod: KubeObject): Resources {
  const spec = (pod.spec ?? {}) as Record<string, any>;
  const req = (c: any, r: string): unknown => c?.resources?.requests?.[r] ?? c?.resources?.limits?.[r];
  let cpu = 0;
  let mem = 0;
  for (const c of spec.containers ?? []) {
    if (req(c, 'cpu') !== undefined) cpu += milliCPU(req(c, 'cpu'));
    if (req(c, 'memory') !== undefined) mem += parseQuantity(req(c, 'memory'));
  }
  for (const c of spec.initContainers ?? []) {
    if (req(c, 'cpu') !== undefined) cpu = Math.max(cpu, milliCPU(req(c, 'cpu')));
    if (req(c, 'memory') !== undefined) mem = Math.max(mem, parseQuantity(req(c, 'memory')));
  }
  if (spec.overhead?.cpu !== undefined) cpu += milliCPU(spec.overhead.cpu);
  if (spec.overhead?.memory !== undefined) mem += parseQuantity(spec.overhead.memory);
  return { milliCPU: cpu, memory: mem, pods: 1 };
}

export function nodeAllocatable(node: KubeObject): Resources {
  const a = ((node.status as any)?.allocatable ?? {}) as Record<string, unknown>;
  return {
    milliCPU: a.cpu !== undefined ? milliCPU(a.cpu) : Infinity,
    memory: a.memory !== undefined ? parseQuantity(a.memory) : Infinity,
    pods: a.pods !== undefined ? parseQuantity(a.pods) : Infinity,
  };
}

export function hostPorts(pod: KubeObject): string[] {
  const out: string[] = [];
  for (const c of ((pod.spec as any)?.containers ?? []) as any[]) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP ?? '0.0.0.0'}/${p.hostPort}`);
  }
  return out;
}

/** PreferNoSchedule taints the pod does not tolerate (TaintToleration score: fewer is better). */
export function untoleratedPreferNoSchedule(node: KubeObject, tolerations: Toleration[] | undefined): number {
  return nodeTaints(node).filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)).length;
}

/** Runs the filters in the default profile's order and stops at the first failing plugin. */
export function filterNode(pod: KubeObject, info: NodeInfo, requests: Resources, all: NodeInfo[] = [info]): FilterFailure | undefined {
  const spec = (pod.spec ?? {}) as Record<string, any>;
  const node = info.node;
  const tolerations = spec.tolerations as Toleration[] | undefined;
  if ((node.spec as any)?.unschedulable && !tolerationsTolerateTaint(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { reasons: [ErrUnschedulable], unresolvable: true };
  }
  if (spec.nodeName && spec.nodeName !== info.name) return { reasons: [ErrNodeName], unresolvable: true };
  const taint = firstUntoleratedTaint(node, tolerations);
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], unresolvable: true };
  if (!nodeMatchesPodAffinity(pod, node)) return { reasons: [ErrNodeAffinity], unresolvable: true };
  const ports = hostPorts(pod);
  if (ports.some((p) => info.usedHostPorts.has(p))) return { reasons: [ErrNodePorts], unresolvable: false };
  const reasons: string[] = [];
  if (info.requested.pods + 1 > info.allocatable.pods) reasons.push('Too many pods');
  if (requests.milliCPU > 0 && info.requested.milliCPU + requests.milliCPU > info.allocatable.milliCPU) reasons.push('Insufficient cpu');
  if (requests.memory > 0 && info.requested.memory + requests.memory > info.allocatable.memory) reasons.push('Insufficient memory');
  if (reasons.length) return { reasons, unresolvable: false };
  const eligible = all.filter((i) => nodeMatchesPodAffinity(pod, i.node));
  const spread = topologySpreadFilter(pod, info, eligible);
  if (spread) return { reasons: [spread.reason], unresolvable: spread.unresolvable };
  const inter = interPodFilter(pod, info, all);
  if (inter) return { reasons: [inter.reason], unresolvable: inter.unresolvable };
  return undefined;
}
