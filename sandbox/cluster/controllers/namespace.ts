// The namespace controller: a namespace being deleted (deletionTimestamp, or phase Terminating)
// is marked Terminating, everything in it is deleted, and once it is empty the `kubernetes`
// finalizer is removed so the namespace disappears.
import { RESOURCES } from '../api/registry';
import type { ClusterContext } from '../context';
import type { KubeObject, ResourceRef, Watch } from '../store/types';
import { R } from './util/meta';
import { WorkQueue } from './util/workqueue';

const FINALIZER = 'kubernetes';
/** While a namespace still has content, check again this often (content with finalizers or graceful pods). */
const RECHECK_MS = 250;

function namespacedResources(): ResourceRef[] {
  return RESOURCES.filter((r) => r.namespaced && r.verbs.includes('delete') && r.verbs.includes('list')).map((r) => ({ group: r.group, resource: r.resource }));
}

export function isTerminating(ns: KubeObject): boolean {
  return !!ns.metadata.deletionTimestamp || (ns.status as Record<string, any> | undefined)?.phase === 'Terminating';
}

export class NamespaceController {
  private readonly queue: WorkQueue;
  private watch?: Watch;

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((name) => this.sync(name), { onError: (key, err) => process.stderr.write(`namespace-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`) });
  }

  start(): void {
    this.watch = this.ctx.store.watch(R.namespaces, {}, (ev) => {
      if (ev.type !== 'DELETED' && isTerminating(ev.object)) this.queue.add(ev.object.metadata.name!);
    });
  }

  stop(): void {
    this.watch?.stop();
    this.queue.stop();
  }

  private sync(name: string): void {
    const { store } = this.ctx;
    const ns = store.get(R.namespaces, undefined, name);
    if (!ns || !isTerminating(ns)) return;
    if ((ns.status as Record<string, any> | undefined)?.phase !== 'Terminating') {
      store.mutate(R.namespaces, undefined, name, (cur) => ({ ...cur, status: { ...((cur.status as object) ?? {}), phase: 'Terminating' } }), { subresource: 'status' });
    }
    let remaining = 0;
    for (const ref of namespacedResources()) {
      for (const obj of store.list(ref, { namespace: name }).items) {
        remaining++;
        if (obj.metadata.deletionTimestamp) continue;
        try {
          store.delete(ref, name, obj.metadata.name!, { propagationPolicy: 'Background' });
        } catch (err) {
          if ((err as { code?: number }).code !== 404) throw err;
        }
      }
    }
    if (remaining > 0) {
      this.queue.addAfter(name, RECHECK_MS);
      return;
    }
    const after = store.mutate(R.namespaces, undefined, name, (cur) => {
      const spec = ((cur.spec ??= {}) as Record<string, any>);
      const specFinalizers = ((spec.finalizers ?? []) as string[]).filter((f) => f !== FINALIZER);
      const metaFinalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
      if (specFinalizers.length === (spec.finalizers ?? []).length && metaFinalizers.length === (cur.metadata.finalizers ?? []).length) return undefined;
      if (specFinalizers.length) spec.finalizers = specFinalizers;
      else delete spec.finalizers;
      cur.metadata.finalizers = metaFinalizers.length ? metaFinalizers : undefined;
      return cur;
    });
    // Without metadata finalizers left, finish the deletion (a Terminating phase alone keeps it).
    const still = store.get(R.namespaces, undefined, name);
    if (still && !(still.metadata.finalizers ?? []).length && !((still.spec as Record<string, any>)?.finalizers ?? []).length) {
      try {
        store.delete(R.namespaces, undefined, name);
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    void after;
  }
}
