// The taint eviction controller (pkg/controller/tainteviction): pods on a node with a NoExecute
// taint they do not tolerate are deleted at once; pods that tolerate it for tolerationSeconds
// are deleted when that time has passed since the taint was added.
import type { ClusterContext } from '../context';
import { toleratesTaint, type Taint, type Toleration } from '../scheduler/predicates';
import type { KubeObject, Watch } from '../store/types';
import { parseTime, R, timestamp } from './util/meta';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'taint-eviction-controller';

interface TimedTaint extends Taint {
  timeAdded?: string;
}

/** When the pod must go (ms since epoch), Infinity if never, 0 if now. */
export function evictionTime(pod: KubeObject, taints: TimedTaint[], nowMs: number): number {
  const tolerations = ((pod.spec as Record<string, any>)?.tolerations ?? []) as (Toleration & { tolerationSeconds?: number })[];
  let at = Infinity;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return 0;
    const seconds = Math.min(...matching.map((t) => (typeof t.tolerationSeconds === 'number' ? Math.max(0, t.tolerationSeconds) : Infinity)));
    if (seconds === Infinity) continue;
    const since = parseTime(taint.timeAdded) ?? nowMs;
    at = Math.min(at, since + seconds * 1000);
  }
  return at;
}

export class TaintEvictionController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.syncPod(key), { onError: (key, err) => process.stderr.write(`${COMPONENT}: ${key}: ${err instanceof Error ? err.message : String(err)}\n`) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.nodes, {}, (ev) => {
        if (ev.type === 'DELETED') return;
        const noExecute = (((ev.object.spec as Record<string, any>)?.taints ?? []) as Taint[]).some((t) => t.effect === 'NoExecute');
        if (!noExecute) return;
        for (const pod of store.list(R.pods, { fieldSelector: `spec.nodeName=${ev.object.metadata.name}` }).items) this.queue.add(objectKey(pod.metadata.namespace, pod.metadata.name!));
      }),
      store.watch(R.pods, {}, (ev) => {
        if (ev.type !== 'DELETED' && (ev.object.spec as Record<string, any>)?.nodeName) this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!));
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private syncPod(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const pod = store.get(R.pods, namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const nodeName = (pod.spec as Record<string, any>)?.nodeName as string | undefined;
    const node = nodeName ? store.get(R.nodes, undefined, nodeName) : undefined;
    if (!node) return;
    const taints = (((node.spec as Record<string, any>)?.taints ?? []) as TimedTaint[]).filter((t) => t.effect === 'NoExecute');
    if (!taints.length) return;
    const now = this.ctx.now().getTime();
    const at = evictionTime(pod, taints, now);
    if (at === Infinity) return;
    if (at > now) {
      this.queue.addAfter(key, at - now + 10);
      return;
    }
    store.mutate(R.pods, namespace, name, (cur) => {
      const status = ((cur.status ??= {}) as Record<string, any>);
      const conditions = ((status.conditions ?? []) as Record<string, any>[]).filter((c) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(this.ctx.now()), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
      status.conditions = conditions;
      return cur;
    }, { subresource: 'status' });
    this.ctx.events.record(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${name}`, COMPONENT);
    try {
      store.delete(R.pods, namespace, name, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }
}
