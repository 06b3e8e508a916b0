// The node lifecycle controller's TaintNodesByCondition part: `spec.unschedulable` (cordon) adds
// `node.kubernetes.io/unschedulable:NoSchedule`, a Ready condition of False adds
// `node.kubernetes.io/not-ready:NoSchedule` and Unknown adds `node.kubernetes.io/unreachable:NoSchedule`;
// the taints go away when the cause does.
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

export function desiredConditionTaints(node: KubeObject): string[] {
  const spec = (node.spec ?? {}) as Record<string, any>;
  const out: string[] = [];
  if (spec.unschedulable) out.push(TaintUnschedulable);
  const ready = (((node.status as any)?.conditions ?? []) as any[]).find((c) => c.type === 'Ready');
  if (ready?.status === 'False') out.push(TaintNotReady);
  else if (ready?.status === 'Unknown') out.push(TaintUnreachable);
  return out;
}

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
    const current = (((node.spec as any)?.taints ?? []) as Taint[]).filter((t) => MANAGED.includes(t.key) && t.effect === 'NoSchedule').map((t) => t.key);
    if (desired.length === current.length && desired.every((k) => current.includes(k))) return;
    this.ctx.store.mutate(R.nodes, undefined, name, (cur) => {
      const spec = ((cur.spec ??= {}) as Record<string, any>);
      const want = desiredConditionTaints(cur);
      const taints = ((spec.taints ?? []) as Taint[]).filter((t) => !(MANAGED.includes(t.key) && t.effect === 'NoSchedule' && !want.includes(t.key)));
      for (const key of want) if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule', timeAdded: timestamp(this.ctx.now()) });
      if (JSON.stringify(taints) === JSON.stringify(spec.taints ?? [])) return undefined;
      if (taints.length) spec.taints = taints;
      else delete spec.taints;
      return cur;
    });
  }
}
