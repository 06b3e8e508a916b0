// The sandbox countdown, kept free of React so it can be tested: how much time is left on the
// browser's clock (corrected for the server's), and whether to warn.
import type { SandboxView } from '@/lib/sandboxes/view';

export type CountdownKind = 'none' | 'ok' | 'warning' | 'stopping';

export interface Countdown {
  kind: CountdownKind;
  /** Milliseconds until the automatic stop (0 once it is due). */
  leftMs: number;
  reason?: 'lifetime' | 'idle';
}

/**
 * `serverNow` is the `now` the API sent with `view`, `fetchedAt` the browser's clock when it
 * arrived: the countdown runs on the browser's clock without trusting it to agree with the server's.
 */
export function countdown(view: SandboxView | null | undefined, serverNow: string, fetchedAt: number, clientNow: number): Countdown {
  if (!view || view.state !== 'running' || !view.stopsAt) return { kind: 'none', leftMs: 0 };
  const leftAtFetch = Date.parse(view.stopsAt) - Date.parse(serverNow);
  const leftMs = Math.max(0, leftAtFetch - Math.max(0, clientNow - fetchedAt));
  const kind: CountdownKind = leftMs === 0 ? 'stopping' : leftMs <= view.warningMs ? 'warning' : 'ok';
  return { kind, leftMs, reason: view.stopReason };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "hh:mm", rounding minutes up so it never reads 00:00 while time is left. */
export function formatHoursMinutes(ms: number): string {
  const minutes = Math.ceil(Math.max(0, ms) / 60_000);
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** "m:ss" for the last minutes, when every second counts. */
export function formatMinutesSeconds(ms: number): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
}
