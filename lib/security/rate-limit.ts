// Fixed-window rate limiter in memory (one server process). Keys are e.g. `login:<ip>:<email>`.
export interface RateLimitResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): RateLimitResult {
    const t = this.now();
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.resetAt <= t) this.hits.delete(k);
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= t) {
      this.hits.set(key, { count: 1, resetAt: t + this.windowMs });
      return { allowed: true, retryAfterSeconds: 0 };
    }
    entry.count++;
    return { allowed: entry.count <= this.limit, retryAfterSeconds: Math.ceil((entry.resetAt - t) / 1000) };
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}

const globalLimiters = globalThis as unknown as { kubelabLimiters?: Map<string, RateLimiter> };

/** Shared limiter per purpose, surviving Next dev reloads. */
export function limiter(name: string, limit: number, windowMs: number): RateLimiter {
  globalLimiters.kubelabLimiters ??= new Map();
  let l = globalLimiters.kubelabLimiters.get(name);
  if (!l) {
    l = new RateLimiter(limit, windowMs);
    globalLimiters.kubelabLimiters.set(name, l);
  }
  return l;
}
