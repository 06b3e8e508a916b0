// An in-memory sandbox driver with the Docker driver's lifecycle contract (lifetime, extend, reset
// that discards kept work), for testing the manager and the /api/sandbox routes without Docker.
import { SandboxError, type ExecResult, type PtyStream, type SandboxDriver, type SandboxInfo, type SandboxSpec } from '@/sandbox/driver';

interface Entry {
  info: SandboxInfo;
  /** Stands for the work kept in volumes across stops. */
  files: string[];
}

export class FakeLifetimeDriver implements SandboxDriver {
  readonly name = 'fake';
  readonly sandboxes = new Map<string, Entry>();
  clock = () => Date.now();

  /** `lifetimeMs: null` behaves like the local driver: no lifetime, no extend, no reset. */
  constructor(readonly lifetimeMs: number | null = 4 * 60 * 60_000) {
    if (lifetimeMs === null) Object.assign(this, { extend: undefined, reset: undefined });
  }

  async create(spec: SandboxSpec): Promise<SandboxInfo> {
    const now = this.clock();
    const entry = this.sandboxes.get(spec.id) ?? { info: { id: spec.id, userId: spec.userId, profile: spec.profile, state: 'stopped', createdAt: new Date(now) }, files: [] };
    entry.info = { ...entry.info, state: 'running', startedAt: new Date(now) };
    if (this.lifetimeMs !== null) Object.assign(entry.info, { expiresAt: new Date(now + this.lifetimeMs), expiryWarningMs: 5 * 60_000 });
    this.sandboxes.set(spec.id, entry);
    return { ...entry.info };
  }

  async attach(): Promise<PtyStream> {
    throw new Error('not used');
  }

  async exec(id: string, command: string): Promise<ExecResult> {
    const e = this.sandboxes.get(id);
    if (e?.info.state !== 'running') throw new SandboxError('not_found', `sandbox ${id} is not running`);
    e.files.push(command);
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  async stop(id: string): Promise<void> {
    const e = this.sandboxes.get(id);
    if (e) e.info = { ...e.info, state: 'stopped', startedAt: undefined, expiresAt: undefined, expiryWarningMs: undefined };
  }

  async status(id: string): Promise<SandboxInfo | undefined> {
    const e = this.sandboxes.get(id);
    return e && { ...e.info };
  }

  async list(): Promise<SandboxInfo[]> {
    return [...this.sandboxes.values()].map((e) => ({ ...e.info }));
  }

  async extend(id: string, ms: number): Promise<Date> {
    const e = this.sandboxes.get(id);
    if (!e?.info.expiresAt) throw new SandboxError('not_found', `sandbox ${id} is not running`);
    e.info.expiresAt = new Date(Math.max(e.info.expiresAt.getTime(), this.clock()) + ms);
    return e.info.expiresAt;
  }

  async reset(id: string): Promise<void> {
    await this.stop(id);
    this.sandboxes.delete(id);
  }
}
