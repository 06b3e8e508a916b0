// The scheduler: binds Pending pods without a node (schedulerName default-scheduler) to a node
// that passes the filters, preferring the node with the fewest pods of the same workload, then
// the least requested one. Unschedulable pods get PodScheduled=False/Unschedulable and a
// FailedScheduling event with upstream's message, and are retried when nodes or pods change.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { controllerRefOf, R, timestamp } from '../controllers/util/meta';
import { isPodActive } from '../controllers/util/pods';
import { selectorMatches, type LabelSelector } from '../controllers/util/selector';
import { objectKey, splitKey, WorkQueue } from '../controllers/util/workqueue';
import { interPodScore, nodeAffinityScore } from './interpod';
import { filterNode, hostPorts, nodeAllocatable, nodeSelectorTermMatches, podRequests, untoleratedPreferNoSchedule, type FilterFailure, type NodeInfo } from './predicates';

export const SCHEDULER_NAME = 'default-scheduler';

export class Scheduler {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];
  /** Pods that failed to schedule, retried on relevant cluster changes. */
  private readonly unschedulable = new Set<string>();
  private readonly nodeFingerprints = new Map<string, string>();
  private readonly bound = new Set<string>();

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.scheduleOne(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.pods, {}, (ev) => {
        const pod = ev.object;
        const key = objectKey(pod.metadata.namespace, pod.metadata.name!);
        if (ev.type === 'DELETED') {
          this.unschedulable.delete(key);
          this.bound.delete(key);
          if ((pod.spec as any)?.nodeName) this.retryUnschedulable();
          return;
        }
        // A newly placed pod can satisfy another pod's affinity or topology spread.
        if ((pod.spec as any)?.nodeName && !this.bound.has(key)) {
          this.bound.add(key);
          if (this.unschedulable.size) this.retryUnschedulable();
        }
        if (needsScheduling(pod)) {
          if (!this.unschedulable.has(key)) this.queue.add(key);
        } else {
          this.unschedulable.delete(key);
          const phase = (pod.status as any)?.phase;
          if ((pod.spec as any)?.nodeName && (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp)) this.retryUnschedulable();
        }
      }),
      // Claims that appear or get bound can unblock pods waiting for them.
      store.watch(R.persistentVolumeClaims, {}, (ev) => {
        if (ev.type !== 'DELETED' && this.unschedulable.size) this.retryUnschedulable();
      }),
      store.watch(R.nodes, {}, (ev) => {
        const name = ev.object.metadata.name!;
        if (ev.type === 'DELETED') {
          this.nodeFingerprints.delete(name);
          return;
        }
        const fp = nodeFingerprint(ev.object);
        if (this.nodeFingerprints.get(name) === fp) return;
        this.nodeFingerprints.set(name, fp);
        this.retryUnschedulable();
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) this.queue.add(key);
  }

  private scheduleOne(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.get(R.pods, namespace, name);
    if (!pod || !needsScheduling(pod)) {
      this.unschedulable.delete(key);
      return;
    }
    const nodes = this.ctx.store.list(R.nodes).items;
    const volumeProblem = this.checkVolumes(pod);
    if (volumeProblem) {
      this.unschedulable.add(key);
      this.recordFailure(pod, preFilterMessage(nodes.length, volumeProblem));
      return;
    }
    const allPods = this.ctx.store.listShared(R.pods).items;
    const infos = buildNodeInfos(nodes, allPods);
    const requests = podRequests(pod);
    const feasible: NodeInfo[] = [];
    const failures = new Map<string, FilterFailure>();
    const volumeTerms = this.boundVolumeNodeTerms(pod);
    for (const info of infos) {
      const failure =
        filterNode(pod, info, requests, infos) ??
        (volumeTerms.some((terms) => !terms.some((t) => nodeSelectorTermMatches(t, info.node))) ? { reasons: ['node(s) had volume node affinity conflict'], unresolvable: true } : undefined);
      if (failure) failures.set(info.name, failure);
      else feasible.push(info);
    }
    if (feasible.length === 0) {
      this.unschedulable.add(key);
      this.recordFailure(pod, fitErrorMessage(infos.length, failures));
      return;
    }
    this.unschedulable.delete(key);
    const chosen = this.pickNode(pod, feasible, infos);
    this.bind(pod, chosen.name);
  }

  /** VolumeBinding's PreFilter: every claim must exist, and be bound unless its class waits for the first consumer. */
  private checkVolumes(pod: KubeObject): string | undefined {
    let unboundImmediate = false;
    for (const v of ((pod.spec as any)?.volumes ?? []) as any[]) {
      const claimName = v.persistentVolumeClaim?.claimName as string | undefined;
      if (!claimName) continue;
      const pvc = this.ctx.store.get(R.persistentVolumeClaims, pod.metadata.namespace, claimName);
      if (!pvc) return `persistentvolumeclaim "${claimName}" not found`;
      if (pvc.metadata.deletionTimestamp) return `persistentvolumeclaim "${claimName}" is being deleted`;
      if ((pvc.spec as any)?.volumeName) continue;
      if (!isDelayedBinding(this.ctx, pvc)) unboundImmediate = true;
    }
    return unboundImmediate ? 'pod has unbound immediate PersistentVolumeClaims' : undefined;
  }

  /** Required node affinity of the volumes bound to the pod's claims (VolumeBinding filter). */
  private boundVolumeNodeTerms(pod: KubeObject): any[][] {
    const out: any[][] = [];
    for (const v of ((pod.spec as any)?.volumes ?? []) as any[]) {
      const claimName = v.persistentVolumeClaim?.claimName as string | undefined;
      const pvc = claimName ? this.ctx.store.get(R.persistentVolumeClaims, pod.metadata.namespace, claimName) : undefined;
      const pvName = (pvc?.spec as any)?.volumeName as string | undefined;
      const pv = pvName ? this.ctx.store.get(R.persistentVolumes, undefined, pvName) : undefined;
      const terms = (pv?.spec as any)?.nodeAffinity?.required?.nodeSelectorTerms;
      if (Array.isArray(terms) && terms.length) out.push(terms);
    }
    return out;
  }

  /** The scheduler's PreBind for WaitForFirstConsumer claims: tell the volume controller the node. */
  private selectNodeForClaims(pod: KubeObject, nodeName: string): void {
    for (const v of ((pod.spec as any)?.volumes ?? []) as any[]) {
      const claimName = v.persistentVolumeClaim?.claimName as string | undefined;
      if (!claimName) continue;
      const pvc = this.ctx.store.get(R.persistentVolumeClaims, pod.metadata.namespace, claimName);
      if (!pvc || (pvc.spec as any)?.volumeName || !isDelayedBinding(this.ctx, pvc)) continue;
      this.ctx.store.mutate(R.persistentVolumeClaims, pod.metadata.namespace, claimName, (cur) => {
        const a = cur.metadata.annotations ?? {};
        if (a[SELECTED_NODE_ANNOTATION] === nodeName) return undefined;
        cur.metadata.annotations = { ...a, [SELECTED_NODE_ANNOTATION]: nodeName };
        return cur;
      });
    }
  }

  /**
   * Preferred node affinity first, then soft pod affinity/spread, then fewer untolerated
   * PreferNoSchedule taints, then the fewest pods of the same workload, then the least requested
   * node; random among ties (like upstream's selectHost).
   */
  private pickNode(pod: KubeObject, feasible: NodeInfo[], infos: NodeInfo[]): NodeInfo {
    const selectors = this.spreadSelectors(pod);
    const requests = podRequests(pod);
    const tolerations = (pod.spec as any)?.tolerations;
    const scored = feasible.map((info) => {
      const peers = selectors.length ? info.pods.filter((p) => p.metadata.namespace === pod.metadata.namespace && selectors.some((s) => selectorMatches(s, p.metadata.labels))).length : 0;
      const cpuFrac = Number.isFinite(info.allocatable.milliCPU) && info.allocatable.milliCPU > 0 ? (info.requested.milliCPU + requests.milliCPU) / info.allocatable.milliCPU : 0;
      const memFrac = Number.isFinite(info.allocatable.memory) && info.allocatable.memory > 0 ? (info.requested.memory + requests.memory) / info.allocatable.memory : 0;
      const key = [
        -nodeAffinityScore(pod, info.node, nodeSelectorTermMatches),
        -interPodScore(pod, info, infos),
        untoleratedPreferNoSchedule(info.node, tolerations),
        peers,
        Math.round(((cpuFrac + memFrac) / 2) * 100),
        info.pods.length,
      ];
      return { info, key };
    });
    const cmp = (a: number[], b: number[]) => {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
      return 0;
    };
    scored.sort((a, b) => cmp(a.key, b.key));
    const best = scored.filter((s) => cmp(s.key, scored[0].key) === 0);
    return best[Math.floor(Math.random() * best.length)].info;
  }

  /** Selectors of the workloads and services that select this pod (DefaultPodTopologySpread's). */
  private spreadSelectors(pod: KubeObject): LabelSelector[] {
    const out: LabelSelector[] = [];
    const ns = pod.metadata.namespace;
    const ref = controllerRefOf(pod);
    if (ref) {
      const kinds: Record<string, { group: string; resource: string }> = { ReplicaSet: R.replicaSets, StatefulSet: R.statefulSets, ReplicationController: R.replicationControllers, Job: R.jobs, DaemonSet: R.daemonSets };
      const res = kinds[ref.kind];
      const owner = res && this.ctx.store.get(res, ns, ref.name);
      const sel = owner && ((owner.spec as any)?.selector as LabelSelector | Record<string, string> | undefined);
      if (sel) out.push(ref.kind === 'ReplicationController' ? { matchLabels: sel as Record<string, string> } : (sel as LabelSelector));
    }
    for (const svc of this.ctx.store.list(R.services, { namespace: ns }).items) {
      const sel = (svc.spec as any)?.selector as Record<string, string> | undefined;
      if (sel && Object.keys(sel).length && selectorMatches({ matchLabels: sel }, pod.metadata.labels)) out.push({ matchLabels: sel });
    }
    return out;
  }

  private bind(pod: KubeObject, nodeName: string): void {
    const { store } = this.ctx;
    this.selectNodeForClaims(pod, nodeName);
    const bound = store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
      if (cur.metadata.uid !== pod.metadata.uid || (cur.spec as any)?.nodeName || cur.metadata.deletionTimestamp) return undefined;
      (cur.spec as any).nodeName = nodeName;
      return cur;
    });
    if (!bound) return;
    store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
      if (cur.metadata.uid !== pod.metadata.uid) return undefined;
      const status = ((cur.status ??= {}) as Record<string, any>);
      const conditions = ((status.conditions ?? []) as any[]).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(this.ctx.now()) });
      status.conditions = conditions;
      status.phase ??= 'Pending';
      return cur;
    }, { subresource: 'status' });
    this.ctx.events.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, SCHEDULER_NAME);
  }

  private recordFailure(pod: KubeObject, message: string): void {
    const updated = this.ctx.store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
      if (cur.metadata.uid !== pod.metadata.uid) return undefined;
      const status = ((cur.status ??= {}) as Record<string, any>);
      const conditions = (status.conditions ?? []) as any[];
      const existing = conditions.find((c) => c.type === 'PodScheduled');
      if (existing && existing.status === 'False' && existing.reason === 'Unschedulable' && existing.message === message) return undefined;
      const cond = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: existing?.status === 'False' ? existing.lastTransitionTime : timestamp(this.ctx.now()), reason: 'Unschedulable', message };
      status.conditions = [...conditions.filter((c) => c.type !== 'PodScheduled'), cond];
      status.phase ??= 'Pending';
      return cur;
    }, { subresource: 'status' });
    this.ctx.events.record(updated ?? pod, 'Warning', 'FailedScheduling', message, SCHEDULER_NAME);
  }
}

export function needsScheduling(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as Record<string, any>;
  if (spec.nodeName || pod.metadata.deletionTimestamp) return false;
  if ((spec.schedulerName ?? SCHEDULER_NAME) !== SCHEDULER_NAME) return false;
  const phase = (pod.status as any)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function nodeFingerprint(node: KubeObject): string {
  const spec = (node.spec ?? {}) as Record<string, any>;
  const status = (node.status ?? {}) as Record<string, any>;
  const ready = ((status.conditions ?? []) as any[]).find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([spec.unschedulable ?? false, spec.taints ?? [], node.metadata.labels ?? {}, status.allocatable ?? {}, ready]);
}

export function buildNodeInfos(nodes: KubeObject[], pods: readonly KubeObject[]): NodeInfo[] {
  const infos = new Map<string, NodeInfo>();
  for (const node of nodes) {
    infos.set(node.metadata.name!, { node, name: node.metadata.name!, requested: { milliCPU: 0, memory: 0, pods: 0 }, allocatable: nodeAllocatable(node), pods: [], usedHostPorts: new Set() });
  }
  for (const pod of pods) {
    const nodeName = (pod.spec as any)?.nodeName as string | undefined;
    const info = nodeName ? infos.get(nodeName) : undefined;
    if (!info) continue;
    const phase = (pod.status as any)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const r = podRequests(pod);
    info.requested.milliCPU += r.milliCPU;
    info.requested.memory += r.memory;
    info.requested.pods += 1;
    if (isPodActive(pod)) info.pods.push(pod);
    for (const p of hostPorts(pod)) info.usedHostPorts.add(p);
  }
  return [...infos.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';

/** A claim whose StorageClass has volumeBindingMode WaitForFirstConsumer. */
export function isDelayedBinding(ctx: ClusterContext, pvc: KubeObject): boolean {
  const cls = (pvc.spec as any)?.storageClassName as string | undefined;
  if (!cls) return false;
  return (ctx.store.get(R.storageClasses, undefined, cls) as any)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** A FitError from a PreFilter plugin: its message once, and no node is worth preempting on. */
export function preFilterMessage(numNodes: number, msg: string): string {
  return `0/${numNodes} nodes are available: ${msg}. preemption: 0/${numNodes} nodes are available: ${numNodes} Preemption is not helpful for scheduling.`;
}

/** framework.FitError.Error() plus the default preemption plugin's message. */
export function fitErrorMessage(numNodes: number, failures: Map<string, FilterFailure>): string {
  if (numNodes === 0) return 'no nodes available to schedule pods';
  const histogram = (counts: Map<string, number>) => [...counts].map(([reason, n]) => `${n} ${reason}`).sort().join(', ');
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const f of failures.values()) {
    for (const r of f.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const p = f.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    preemption.set(p, (preemption.get(p) ?? 0) + 1);
  }
  let msg = `0/${numNodes} nodes are available:`;
  if (reasons.size) msg += ` ${histogram(reasons)}.`;
  msg += ` preemption: 0/${numNodes} nodes are available: ${histogram(preemption)}.`;
  return msg;
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`scheduler: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
