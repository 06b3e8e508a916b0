// What the browser learns about the learner's own sandbox (GET /api/sandbox and the extend/reset
// routes): its state, when it stops on its own and why, and what the learner may do about it.
import type { SandboxInfo } from '../../sandbox/driver';

/** Used when the driver does not say how early it warns. */
export const DEFAULT_WARNING_MS = 5 * 60 * 1000;

export interface SandboxView {
  id: string;
  state: SandboxInfo['state'];
  profile: SandboxInfo['profile'];
  startedAt?: string;
  /** The maximum-lifetime stop (extendable). */
  expiresAt?: string;
  /** The inactivity stop (any terminal input or Extend restarts it). */
  idleStopsAt?: string;
  /** The earlier of the two, and which one it is. */
  stopsAt?: string;
  stopReason?: 'lifetime' | 'idle';
  /** The browser shows a warning once less than this is left. */
  warningMs: number;
  canExtend: boolean;
  canReset: boolean;
  disk?: { usedBytes: number; limitBytes: number; measuredAt: string };
  message?: string;
}

export function sandboxView(info: SandboxInfo, opts: { canReset: boolean }): SandboxView {
  const running = info.state === 'running';
  const view: SandboxView = {
    id: info.id,
    state: info.state,
    profile: info.profile,
    warningMs: info.expiryWarningMs ?? DEFAULT_WARNING_MS,
    canExtend: running,
    canReset: opts.canReset,
  };
  if (info.startedAt) view.startedAt = info.startedAt.toISOString();
  if (running && info.expiresAt) view.expiresAt = info.expiresAt.toISOString();
  if (running && info.idleStopsAt) view.idleStopsAt = info.idleStopsAt.toISOString();
  const stops = [
    running && info.expiresAt ? { at: info.expiresAt, reason: 'lifetime' as const } : undefined,
    running && info.idleStopsAt ? { at: info.idleStopsAt, reason: 'idle' as const } : undefined,
  ]
    .filter((s) => s !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (stops) {
    view.stopsAt = stops.at.toISOString();
    view.stopReason = stops.reason;
  }
  if (info.disk) view.disk = { usedBytes: info.disk.usedBytes, limitBytes: info.disk.limitBytes, measuredAt: info.disk.measuredAt.toISOString() };
  if (info.message && info.state !== 'running') view.message = info.message;
  return view;
}
