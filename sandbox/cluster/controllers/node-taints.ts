// The node lifecycle controller's tainting: `spec.unschedulable` (cordon) adds
// `node.kubernetes.io/unschedulable:NoSchedule`; a Ready condition of False adds
// `node.kubernetes.io/not-ready` and Unknown adds `node.kubernetes.io/unreachable`, each with
// NoSchedule (TaintNodesByCondition) and NoExecute (taint-based eviction) effects. The taints
// go away when the cause does.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { R, timestamp } from './util/meta';
import { WorkQueue } from './util/workqueue';

export const TaintUnschedulable = 'node.kubernetes.io/unschedulable';
export const TaintNotReady = 'node.kubernetes.io/not-ready';
export const TaintUnreachable = 'node.kubernetes.io/unreachable';
const MANAGED = [TaintUnschedulable, TaintNotReady, TaintUnreachable];

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** `key:effect` strings of the taints this controller wants on the node. */
export function desiredConditionTaints(node: KubeObject): string[] {
  const spec = (node.spec ?? {}) as Record<string, any>;
  const out: string[] = [];
  if (spec.unschedulable) out.push(`${TaintUnschedulable}:NoSchedule`);
  const ready = (((node.status as any)?.conditions ?? []) as any[]).find((c) => c.type === 'Ready');
  const key = ready?.status === 'False' ? TaintNotReady : ready?.status === 'Unknown' ? TaintUnreachable : undefined;
  if (key) out.push(`${key}:NoSchedule`, `${key}:NoExecute`);
  return out;
}

const managed = (t: Taint) => MANAGED.includes(t.key) && (t.effect === 'NoSchedule' || (t.effect === 'NoExecute' && t.key !== TaintUnschedulable));

export class NodeTaintController {
  private readonly queue: WorkQueue;
  private watch?: Watch;

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((name) => this.sync(name));
  }

  start(): void {
    this.watch = this.ctx.store.watch(R.nodes, {}, (ev) => {
      if (ev.type !== 'DELETED') this.queue.add(ev.object.metadata.name!);
    });
  }

  stop(): void {
    this.watch?.stop();
    this.queue.stop();
  }

  private sync(name: string): void {
    const node = this.ctx.store.get(R.nodes, undefined, name);
    if (!node) return;
    const desired = desiredConditionTaints(node);
    const current = (((node.spec as any)?.taints ?? []) as Taint[]).filter(managed).map((t) => `${t.key}:${t.effect}`);
    if (desired.length === current.length && desired.every((k) => current.includes(k))) return;
    this.ctx.store.mutate(R.nodes, undefined, name, (cur) => {
      const spec = ((cur.spec ??= {}) as Record<string, any>);
      const want = desiredConditionTaints(cur);
      const taints = ((spec.taints ?? []) as Taint[]).filter((t) => !(managed(t) && !want.includes(`${t.key}:${t.effect}`)));
      for (const ke of want) {
        const [key, effect] = ke.split(':');
        if (!taints.some((t) => t.key === key && t.effect === effect)) taints.push({ key, effect, timeAdded: timestamp(this.ctx.now()) });
      }
      if (JSON.stringify(taints) === JSON.stringify(spec.taints ?? [])) return undefined;
      if (taints.length) spec.taints = taints;
      else delete spec.taints;
      return cur;
    });
  }
}
