// Time helpers shared by the kubelet: API timestamps and delays scaled by ClusterOptions.timeScale.

/** `2026-11-23T03:44:52Z` (metav1.Time, second precision). */
export function apiTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-11-23T03:44:52.123456Z` (metav1.MicroTime, used by Leases). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * A simulated duration in ms after scaling. `floorMs` keeps timers that must not spin (back-off,
 * probe periods) from collapsing to zero when timeScale is 0.
 */
export function scaled(ms: number, timeScale: number, floorMs = 0): number {
  return Math.max(ms * timeScale, floorMs);
}

/** Go's time.Duration.String() after truncation to milliseconds: `512ms`, `1.2s`, `15.981s`, `1m5.2s`. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60000);
  const seconds = (whole % 60000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  return minutes > 0 ? `${minutes}m${s}` : s;
}

/** Cancellable timers owned by one component, all cleared on stop. */
export class Timers {
  private readonly set = new Set<NodeJS.Timeout>();
  after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.set.delete(t);
      fn();
    }, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    this.set.add(t);
    return t;
  }
  every(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setInterval(fn, ms);
    t.unref();
    this.set.add(t);
    return t;
  }
  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.set.delete(t);
  }
  clear(): void {
    for (const t of this.set) clearTimeout(t);
    this.set.clear();
  }
}

/** Structural equality for JSON values (status comparisons before writing). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
