// The per-sandbox disk limit (KUBELAB_SANDBOX_DISK). Docker can cap a container's writable layer
// with `--storage-opt size=` only on overlay2 over xfs mounted with pquota, and nothing caps a local
// volume, yet a sandbox's data lives mostly in its volumes (the inner /var/lib/docker, /root, the
// cluster state). So the limit is enforced after the fact: a watchdog measures each running sandbox
// (its volumes plus its writable layer, from the engine's `docker system df -v` data), warns in the
// learner's terminal near and over the limit, and stops a sandbox that stays over it for a grace
// period. Stopping keeps the work: the learner frees space after the next start, or resets.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';

export const SLOT_LABEL = 'io.kubelab.slot';

/** The parts of GET /system/df this module reads. */
export interface DiskUsageReport {
  Volumes?: Array<{ Name: string; Labels?: Record<string, string> | null; UsageData?: { Size: number } | null }> | null;
  Containers?: Array<{ Labels?: Record<string, string> | null; SizeRw?: number }> | null;
}

/** Bytes used per sandbox slot: its labelled volumes plus the writable layers of its containers. */
export function usageBySlot(report: DiskUsageReport): Map<string, number> {
  const out = new Map<string, number>();
  const add = (slot: string | undefined, bytes: number | undefined) => {
    // The engine reports -1 for sizes it did not compute.
    if (!slot || bytes === undefined || bytes < 0) return;
    out.set(slot, (out.get(slot) ?? 0) + bytes);
  };
  for (const v of report.Volumes ?? []) add(v.Labels?.[SLOT_LABEL], v.UsageData?.Size);
  for (const c of report.Containers ?? []) add(c.Labels?.[SLOT_LABEL], c.SizeRw);
  return out;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)} MB`;
  return `${Math.max(0, Math.round(n / 1024))} KB`;
}

const formatMinutes = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} minute(s)`;

/**
 * Whether this engine accepts `--storage-opt size=` (it refuses with "--storage-opt is supported
 * only for overlay over xfs with 'pquota' mount option" elsewhere). Tried by creating, never
 * starting, a throwaway container from `image`.
 */
export async function storageOptSupported(docker: Docker, image: string): Promise<boolean> {
  let container: Docker.Container | undefined;
  try {
    container = await docker.createContainer({ name: `kubelab-probe-${randomBytes(4).toString('hex')}`, Image: image, Cmd: ['true'], HostConfig: { StorageOpt: { size: '1G' } } });
    return true;
  } catch {
    return false;
  } finally {
    await container?.remove({ force: true }).catch(() => undefined);
  }
}

export interface DiskWatchdogDeps {
  limitBytes: number;
  /** How often to measure while every sandbox is under the limit (measuring walks the volumes). */
  intervalMs: number;
  /** How long a sandbox may stay over the limit, after the warning, before it is stopped. */
  graceMs: number;
  /** Running learner sandboxes and the slot their volumes are named after. */
  sandboxes(): Promise<Array<{ id: string; slot: string }>>;
  /** Bytes used per slot (see usageBySlot). */
  measure(): Promise<Map<string, number>>;
  warn(id: string, message: string): Promise<void>;
  stop(id: string, message: string): Promise<void>;
}

export interface DiskTickResult {
  measured: boolean;
  warned: string[];
  stopped: string[];
}

/** Near this share of the limit the learner gets one early warning. */
const NEAR = 0.9;

export class DiskWatchdog {
  private lastMeasured = Number.NEGATIVE_INFINITY;
  private readonly overSince = new Map<string, number>();
  private readonly nearWarned = new Set<string>();
  private readonly latest = new Map<string, { usedBytes: number; measuredAt: number }>();

  constructor(private readonly deps: DiskWatchdogDeps) {}

  /** The last measurement of a sandbox, for status displays. */
  usage(id: string): { usedBytes: number; limitBytes: number; measuredAt: Date } | undefined {
    const u = this.latest.get(id);
    return u && { usedBytes: u.usedBytes, limitBytes: this.deps.limitBytes, measuredAt: new Date(u.measuredAt) };
  }

  /** Called from the driver's periodic housekeeping. Measures every `intervalMs`, or every tick while a sandbox is over. */
  async tick(now: number): Promise<DiskTickResult> {
    const result: DiskTickResult = { measured: false, warned: [], stopped: [] };
    const { limitBytes } = this.deps;
    if (limitBytes <= 0) return result;
    if (this.overSince.size === 0 && now - this.lastMeasured < this.deps.intervalMs) return result;
    const running = await this.deps.sandboxes();
    if (running.length === 0) {
      this.latest.clear();
      return result;
    }
    const usage = await this.deps.measure();
    this.lastMeasured = now;
    result.measured = true;

    const alive = new Set(running.map((s) => s.id));
    for (const id of [...this.latest.keys()]) if (!alive.has(id)) this.forget(id);

    for (const { id, slot } of running) {
      const used = usage.get(slot) ?? 0;
      this.latest.set(id, { usedBytes: used, measuredAt: now });
      const figures = `${formatBytes(used)} of its ${formatBytes(limitBytes)} disk limit`;
      if (used > limitBytes) {
        const since = this.overSince.get(id);
        if (since === undefined) {
          this.overSince.set(id, now);
          this.nearWarned.add(id);
          await this.deps.warn(id, `this sandbox uses ${figures}. Free some space within ${formatMinutes(this.deps.graceMs)} (docker system prune -a, docker volume prune, delete big files) or it will be stopped. Your work is kept.`);
          result.warned.push(id);
        } else if (now - since >= this.deps.graceMs) {
          await this.deps.stop(id, `this sandbox still uses ${figures} and is stopping now. Your work is kept: after the next Start, free some space within ${formatMinutes(this.deps.graceMs)}, or reset the sandbox.`);
          this.forget(id);
          result.stopped.push(id);
        }
        continue;
      }
      if (this.overSince.delete(id)) await this.deps.warn(id, `this sandbox is back under its disk limit (${figures}).`);
      if (used >= limitBytes * NEAR && !this.nearWarned.has(id)) {
        this.nearWarned.add(id);
        await this.deps.warn(id, `this sandbox uses ${figures}. Over the limit it is stopped; docker system prune -a frees unused images.`);
        result.warned.push(id);
      } else if (used < limitBytes * (NEAR - 0.1)) {
        this.nearWarned.delete(id);
      }
    }
    return result;
  }

  private forget(id: string): void {
    this.overSince.delete(id);
    this.nearWarned.delete(id);
    this.latest.delete(id);
  }
}
