// The pod garbage collector's orphan part: pods bound to a node that no longer exists are
// force-deleted, as kube-controller-manager's PodGC does.
import type { ClusterContext } from '../context';
import type { Watch } from '../store/types';
import { R } from './util/meta';

export class PodGCController {
  private watch?: Watch;

  constructor(private readonly ctx: ClusterContext) {}

  start(): void {
    this.watch = this.ctx.store.watch(R.nodes, {}, (ev) => {
      if (ev.type !== 'DELETED') return;
      const node = ev.object.metadata.name!;
      for (const pod of this.ctx.store.list(R.pods, { fieldSelector: `spec.nodeName=${node}` }).items) {
        try {
          this.ctx.store.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0 });
        } catch {
          /* gone */
        }
      }
    });
  }

  stop(): void {
    this.watch?.stop();
  }
}
