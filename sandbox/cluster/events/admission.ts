// The admission chain: hooks registered per resource run in registration order before a write
// reaches the store (mutating first, then validating is up to each hook).
import { refKey } from '../api/registry';
import type { AdmissionHook, AdmissionOperation, AdmissionRegistry, ClusterContext } from '../context';
import type { KubeObject, ResourceRef } from '../store/types';

export class AdmissionChain implements AdmissionRegistry {
  private readonly hooks = new Map<string, AdmissionHook[]>();
  /** Set by cluster.ts once the context exists (hooks receive it). */
  ctx?: ClusterContext;

  register(ref: ResourceRef, hook: AdmissionHook): void {
    const key = refKey(ref);
    const list = this.hooks.get(key) ?? [];
    list.push(hook);
    this.hooks.set(key, list);
  }

  run(ref: ResourceRef, op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): KubeObject {
    let current = obj;
    for (const hook of this.hooks.get(refKey(ref)) ?? []) {
      if (!this.ctx) throw new Error('admission chain used before the cluster context was set');
      current = hook(op, current, old, this.ctx);
    }
    return current;
  }
}
