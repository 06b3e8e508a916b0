// The service account controller: every active namespace has a `default` ServiceAccount,
// re-created if deleted.
import type { ClusterContext } from '../context';
import type { Watch } from '../store/types';
import { isAlreadyExists, R } from './util/meta';
import { WorkQueue } from './util/workqueue';

export class ServiceAccountsController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((ns) => this.sync(ns));
  }

  start(): void {
    this.watches.push(
      this.ctx.store.watch(R.namespaces, {}, (ev) => {
        if (ev.type === 'ADDED') this.queue.add(ev.object.metadata.name!);
      }),
      this.ctx.store.watch(R.serviceAccounts, {}, (ev) => {
        if (ev.type === 'DELETED' && ev.object.metadata.name === 'default') this.queue.add(ev.object.metadata.namespace!);
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private sync(namespace: string): void {
    const ns = this.ctx.store.get(R.namespaces, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
    if (this.ctx.store.get(R.serviceAccounts, namespace, 'default')) return;
    try {
      this.ctx.store.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
