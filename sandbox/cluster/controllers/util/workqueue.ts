// A keyed work queue like client-go's: many notifications for one key collapse into a single
// reconcile, a key being processed is re-run once afterwards if it was re-added meanwhile, failed
// keys are retried with exponential backoff, and delayed adds use timers (no polling).

export type Reconcile = (key: string) => void;

export interface WorkQueueOptions {
  /** Called when a reconcile throws (after scheduling a retry). */
  onError?: (key: string, err: unknown) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly reconcile: Reconcile,
    private readonly opts: WorkQueueOptions = {},
  ) {}

  add(key: string): void {
    if (this.stopped || this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.schedule();
  }

  /** Adds `key` after `delayMs`; an earlier pending timer for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.timers.set(key, { at, timer });
  }

  stop(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    // Bounded batches keep one busy controller from starving the event loop.
    let budget = 200;
    while (!this.stopped && this.queue.length > 0 && budget-- > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      try {
        this.reconcile(key);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        const base = this.opts.baseDelayMs ?? 10;
        const max = this.opts.maxDelayMs ?? 30_000;
        this.addAfter(key, Math.min(max, base * 2 ** Math.min(n - 1, 20)));
        this.opts.onError?.(key, err);
      }
    }
    if (!this.stopped && this.queue.length > 0) this.schedule();
  }
}

/** `namespace/name` (or `name` for cluster-scoped objects), like client-go's MetaNamespaceKeyFunc. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
