// The node lifecycle controller's health monitor: a node whose kubelet has not renewed its Lease
// (or posted status) for the grace period (50 s, as --node-monitor-grace-period) gets its
// kubelet conditions set to Unknown "Kubelet stopped posting node status.", and its pods are
// marked not ready. node-taints.ts then adds the unreachable taints and taint-eviction.ts evicts
// pods after their tolerationSeconds (300 s by default). Like upstream, the clock starts when
// the controller first sees a node, so a restart from persisted state never condemns nodes.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { R, timestamp } from './util/meta';
import { WorkQueue } from './util/workqueue';

const COMPONENT = 'node-controller';
export const NODE_MONITOR_GRACE_MS = 50_000;
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
type Spec = Record<string, any>;

export class NodeMonitor {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];
  /** Last time (ms) we saw a sign of life: first sight, a lease renewal, or a new heartbeat. */
  private readonly probe = new Map<string, { at: number; renew?: string; heartbeat?: string }>();

  constructor(
    private readonly ctx: ClusterContext,
    private readonly graceMs = NODE_MONITOR_GRACE_MS,
  ) {
    this.queue = new WorkQueue((name) => this.check(name));
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.nodes, {}, (ev) => {
        const name = ev.object.metadata.name!;
        if (ev.type === 'DELETED') {
          this.probe.delete(name);
          return;
        }
        const ready = readyCondition(ev.object);
        this.observe(name, { heartbeat: ready?.lastHeartbeatTime });
      }),
      store.watch(R.leases, { namespace: 'kube-node-lease' }, (ev) => {
        if (ev.type === 'DELETED') return;
        this.observe(ev.object.metadata.name!, { renew: (ev.object.spec as Spec)?.renewTime });
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private observe(name: string, sign: { renew?: string; heartbeat?: string }): void {
    const now = this.ctx.now().getTime();
    const p = this.probe.get(name);
    if (!p) {
      this.probe.set(name, { at: now, ...sign });
      this.queue.addAfter(name, this.graceMs);
      return;
    }
    const renewed = sign.renew !== undefined && sign.renew !== p.renew;
    const beat = sign.heartbeat !== undefined && sign.heartbeat !== p.heartbeat;
    if (sign.renew !== undefined) p.renew = sign.renew;
    if (sign.heartbeat !== undefined) p.heartbeat = sign.heartbeat;
    if (renewed || beat) {
      p.at = now;
      this.queue.addAfter(name, this.graceMs);
    }
  }

  private check(name: string): void {
    const p = this.probe.get(name);
    if (!p) return;
    const now = this.ctx.now().getTime();
    const silentFor = now - p.at;
    if (silentFor < this.graceMs) {
      this.queue.addAfter(name, this.graceMs - silentFor + 10);
      return;
    }
    const node = this.ctx.store.get(R.nodes, undefined, name);
    if (!node) return;
    if (readyCondition(node)?.status === 'Unknown') return;
    const stamp = timestamp(this.ctx.now());
    this.ctx.store.mutate(R.nodes, undefined, name, (cur) => {
      const status = ((cur.status ??= {}) as Spec);
      const conditions = ((status.conditions ?? []) as Spec[]).map((c) => ({ ...c }));
      for (const type of KUBELET_CONDITIONS) {
        const c = conditions.find((x) => x.type === type);
        if (!c) {
          conditions.push({ type, status: 'Unknown', lastHeartbeatTime: stamp, lastTransitionTime: stamp, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
        } else if (c.status !== 'Unknown') {
          Object.assign(c, { status: 'Unknown', lastTransitionTime: stamp, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
        }
      }
      status.conditions = conditions;
      return cur;
    }, { subresource: 'status' });
    this.ctx.events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, COMPONENT);
    this.markPodsNotReady(name, stamp);
  }

  /** MarkPodsNotReady: the pods of an unreachable node are no longer Ready. */
  private markPodsNotReady(node: string, stamp: string): void {
    for (const pod of this.ctx.store.list(R.pods, { fieldSelector: `spec.nodeName=${node}` }).items) {
      if (!((pod.status as Spec)?.conditions ?? []).some((c: Spec) => c.type === 'Ready' && c.status === 'True')) continue;
      this.ctx.store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
        const status = ((cur.status ??= {}) as Spec);
        status.conditions = ((status.conditions ?? []) as Spec[]).map((c) => (c.type === 'Ready' && c.status === 'True' ? { ...c, status: 'False', lastTransitionTime: stamp } : c));
        return cur;
      }, { subresource: 'status' });
      this.ctx.events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready', COMPONENT);
    }
  }
}

function readyCondition(node: KubeObject): Spec | undefined {
  return (((node.status as Spec)?.conditions ?? []) as Spec[]).find((c) => c.type === 'Ready');
}
