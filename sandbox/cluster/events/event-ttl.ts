// Events expire like in Kubernetes (the API server's --event-ttl, 1 hour by default): without
// this the store, and the persisted snapshot, would grow with every kubelet and controller event.
import { REF } from '../api/registry';
import type { ClusterContext } from '../context';

export const EVENT_TTL_MS = 60 * 60 * 1000;

/** Deletes core/v1 Events last seen more than `ttlMs` ago. Returns how many were removed. */
export function expireEvents(ctx: ClusterContext, ttlMs = EVENT_TTL_MS): number {
  const cutoff = ctx.now().getTime() - ttlMs;
  let removed = 0;
  for (const ev of ctx.store.list(REF.events).items) {
    const e = ev as { lastTimestamp?: string; eventTime?: string; metadata: { creationTimestamp?: string; namespace?: string; name?: string } };
    const seen = Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '');
    if (Number.isNaN(seen) || seen >= cutoff) continue;
    try {
      ctx.store.delete(REF.events, e.metadata.namespace, e.metadata.name!);
      removed++;
    } catch {
      // Already gone.
    }
  }
  return removed;
}

export function startEventTtl(ctx: ClusterContext, ttlMs = EVENT_TTL_MS, intervalMs = 60_000): { stop(): void } {
  const timer = setInterval(() => expireEvents(ctx, ttlMs), intervalMs);
  timer.unref();
  expireEvents(ctx, ttlMs);
  return { stop: () => clearInterval(timer) };
}
