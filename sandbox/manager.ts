// One sandbox per learner: finds or creates it with the profile a lesson needs, and stops idle ones.
import { createHash } from 'node:crypto';
import { SandboxError, type SandboxDriver, type SandboxInfo, type SandboxProfileName } from './driver';

const rank: Record<SandboxProfileName, number> = { none: 0, docker: 1, kubernetes: 1, full: 2 };

/** The profile that covers both (a learner moving from Docker to Kubernetes lessons gets `full`). */
export function combineProfiles(a: SandboxProfileName, b: SandboxProfileName): SandboxProfileName {
  if (a === b) return a;
  if (rank[a] === 0) return b;
  if (rank[b] === 0) return a;
  return rank[a] === 2 || rank[b] === 2 || a !== b ? 'full' : a;
}

export function sandboxIdFor(userId: string): string {
  return `u-${createHash('sha256').update(userId).digest('hex').slice(0, 16)}`;
}

export class SandboxManager {
  private readonly pending = new Map<string, Promise<SandboxInfo>>();
  private readonly lastActive = new Map<string, number>();
  private idleTimer?: NodeJS.Timeout;
  private readonly resetListeners = new Set<(id: string) => void>();

  constructor(
    readonly driver: SandboxDriver,
    private readonly opts: { idleTimeoutMs?: number; onStop?: (id: string) => void } = {},
  ) {
    if (opts.idleTimeoutMs) {
      this.idleTimer = setInterval(() => void this.stopIdle(), Math.min(60_000, opts.idleTimeoutMs / 2));
      this.idleTimer.unref();
    }
  }

  /** The learner's running sandbox, created or upgraded to cover `profile`. Concurrent calls share one creation. */
  async ensure(userId: string, profile: SandboxProfileName, setup: string[] = []): Promise<SandboxInfo> {
    const id = sandboxIdFor(userId);
    const inFlight = this.pending.get(id);
    if (inFlight) await inFlight.catch(() => undefined);
    const current = await this.driver.status(id);
    if (current?.state === 'running') {
      const wanted = combineProfiles(current.profile, profile);
      if (wanted === current.profile) {
        this.touch(id);
        return current;
      }
      await this.driver.stop(id);
      profile = wanted;
    }
    const creation = this.driver.create({ id, userId, profile, setup });
    this.pending.set(id, creation);
    try {
      const info = await creation;
      this.touch(id);
      return info;
    } finally {
      this.pending.delete(id);
    }
  }

  /** The learner's sandbox (running or not), with when it stops for inactivity. */
  async get(userId: string): Promise<SandboxInfo | undefined> {
    const info = await this.driver.status(sandboxIdFor(userId));
    if (!info) return undefined;
    // A copy: some drivers hand out their own record.
    const out: SandboxInfo = { ...info };
    if (this.opts.idleTimeoutMs && info.state === 'running') out.idleStopsAt = new Date(this.lastActiveAt(info) + this.opts.idleTimeoutMs);
    return out;
  }

  /** The idle clock: the last activity seen by this process, else when the run started (a restarted app has no history). */
  private lastActiveAt(info: SandboxInfo): number {
    return this.lastActive.get(info.id) ?? info.startedAt?.getTime() ?? info.createdAt.getTime();
  }

  /**
   * Tops the learner's time up to at least `ms` from now (where the driver has a lifetime; repeated
   * requests do not pile up) and counts as activity, which restarts the idle clock.
   */
  async extend(userId: string, ms: number, now = Date.now()): Promise<SandboxInfo> {
    const id = sandboxIdFor(userId);
    const info = await this.driver.status(id);
    if (info?.state !== 'running') throw new SandboxError('not_found', 'your sandbox is not running: open a lesson with a terminal to start it');
    const missing = info.expiresAt ? now + ms - info.expiresAt.getTime() : 0;
    if (this.driver.extend && missing > 0) await this.driver.extend(id, missing);
    this.touch(id);
    return (await this.get(userId))!;
  }

  /** Whether the driver can discard a sandbox's kept work. */
  get canReset(): boolean {
    return typeof this.driver.reset === 'function';
  }

  /** Stops the learner's sandbox and discards everything kept in it; the next start is fresh. */
  async reset(userId: string): Promise<void> {
    if (!this.driver.reset) throw new SandboxError('invalid', `the ${this.driver.name} sandbox driver keeps no work between starts, so there is nothing to reset: stopping it is enough`);
    const id = sandboxIdFor(userId);
    await this.driver.reset(id);
    this.lastActive.delete(id);
    this.opts.onStop?.(id);
    for (const listener of this.resetListeners) listener(id);
  }

  /** Called after a sandbox was reset (the terminal bridge drops its replay of the old sandbox). */
  onReset(listener: (id: string) => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  touch(id: string): void {
    this.lastActive.set(id, Date.now());
  }

  async stop(userId: string): Promise<void> {
    const id = sandboxIdFor(userId);
    await this.driver.stop(id);
    this.opts.onStop?.(id);
  }

  async stopIdle(now = Date.now()): Promise<string[]> {
    const stopped: string[] = [];
    if (!this.opts.idleTimeoutMs) return stopped;
    for (const info of await this.driver.list()) {
      if (info.state !== 'running') continue;
      if (now - this.lastActiveAt(info) > this.opts.idleTimeoutMs) {
        await this.driver.stop(info.id);
        this.opts.onStop?.(info.id);
        stopped.push(info.id);
      }
    }
    return stopped;
  }

  async shutdown(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    // Sandboxes that live outside this process (docker driver) keep running; the next app start reattaches.
    if ((this.driver as { outlivesProcess?: boolean }).outlivesProcess) return;
    for (const info of await this.driver.list()) if (info.state === 'running') await this.driver.stop(info.id);
  }
}
