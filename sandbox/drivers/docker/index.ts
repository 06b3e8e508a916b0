// The `docker` driver: one Docker-in-Docker container per learner on this host's Docker engine,
// with its own inner Docker daemon (images from the offline mirror) and/or mini-cluster, limits on
// memory, CPU and processes, a disk limit (watchdog, see disk.ts), an isolated network, volumes
// that keep the learner's work across stops, a maximum lifetime with a warning, caps with a queue
// position, and an optional warm pool.
// All state lives in Docker (labels, volumes) plus small records on disk, so a restarted app
// (or the operator CLI) finds running sandboxes again.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Docker from 'dockerode';
import { sandboxSpecSchema, SandboxError, type ExecResult, type PtyStream, type SandboxDriver, type SandboxInfo, type SandboxProfileName, type SandboxSpec } from '../../driver';
import { DiskWatchdog, formatBytes, storageOptSupported, usageBySlot, type DiskUsageReport } from './disk';
import { connectMirror, ensureMirror, MIRROR_ADDRESS } from './mirror';
import { hostMounts } from './mounts';
import { ensureHostGuard, ensureNetwork, LABEL, removeNetwork } from './network';
import { dockerSandboxOptions, type DockerSandboxOptions } from './options';
import { execCollect, openPty } from './pty';
import { RecordStore, type SandboxRecord } from './records';

const CONTAINER_PREFIX = 'kubelab-sbx-';
const POOL_PREFIX = 'kubelab-pool-';
export const WARNING_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

export interface DockerDriverOptions {
  stateDir: string;
  /** Where sandbox records live (default STATEDIR/sandboxes-docker). */
  recordsDir?: string;
  docker?: Docker;
  settings?: Partial<DockerSandboxOptions>;
  /** How long to wait for a new sandbox's daemon/cluster (default 120 s). */
  readyTimeoutMs?: number;
  /** Check lifetimes (and refill the warm pool) periodically; off for one-shot CLI use. */
  background?: boolean;
  /** Build missing images (sandbox + lesson images + mirror) on first use, logging progress here. */
  autoBuild?: (line: string) => void;
}

interface Volumes {
  docker: string;
  home: string;
  cluster: string;
}

const volumesOf = (slot: string): Volumes => ({ docker: `${slot}-docker`, home: `${slot}-home`, cluster: `${slot}-cluster` });

export class DockerDriver implements SandboxDriver {
  readonly name = 'docker';
  /** Sandboxes keep running when the app stops (SandboxManager.shutdown leaves them alone). */
  readonly outlivesProcess = true;
  readonly docker: Docker;
  readonly settings: DockerSandboxOptions;
  private readonly records: RecordStore;
  private readonly queue: Array<{ id: string; at: number }> = [];
  private readonly warned = new Set<string>();
  private readonly ptys = new Map<string, Set<PtyStream>>();
  private timer?: NodeJS.Timeout;
  private filling?: Promise<void>;
  private storageOpt?: Promise<boolean>;
  /** Enforces settings.diskBytes from housekeeping (exposed for status and tests). */
  readonly disk: DiskWatchdog;

  constructor(private readonly opts: DockerDriverOptions) {
    this.docker = opts.docker ?? new Docker();
    this.settings = { ...dockerSandboxOptions(), ...opts.settings };
    this.records = new RecordStore(opts.recordsDir ?? path.join(opts.stateDir, 'sandboxes-docker'));
    this.disk = new DiskWatchdog({
      limitBytes: this.settings.diskBytes,
      intervalMs: this.settings.diskCheckIntervalMs,
      graceMs: this.settings.diskGraceMs,
      sandboxes: async () => {
        const running = new Set((await this.runningSandboxes()).flatMap((c) => c.Names.map((n) => n.slice(1))));
        return this.records.all().filter((r) => running.has(this.containerName(r.id))).map((r) => ({ id: r.id, slot: r.slot }));
      },
      measure: async () => usageBySlot((await this.docker.df()) as DiskUsageReport),
      warn: (id, message) => this.broadcast(id, message),
      stop: async (id, message) => {
        await this.broadcast(id, message);
        await this.stop(id);
      },
    });
    if (opts.background) {
      this.timer = setInterval(() => void this.housekeeping().catch(() => undefined), 30_000);
      this.timer.unref();
      void this.housekeeping().catch(() => undefined);
    }
  }

  private building?: Promise<void>;

  /** Builds whatever images are missing (once per process); a no-op in seconds when all are current. */
  prepare(): Promise<void> {
    const log = this.opts.autoBuild;
    if (!log) return Promise.resolve();
    this.building ??= (async () => {
      await this.docker.ping().catch(() => {
        throw new SandboxError('unavailable', 'Docker is not reachable at /var/run/docker.sock: install docker.io and start dockerd (bash scripts/install-system-deps.sh does both)');
      });
      const { buildImages } = await import('../../images/builder');
      const report = await buildImages({ stateDir: this.opts.stateDir, log: (line) => log(`sandbox images: ${line}`) });
      log(`sandbox images ready (${report.built.length} built, ${report.upToDate.length} up to date, ${(report.durationMs / 1000).toFixed(1)}s)`);
      const disk = await this.diskEnforcement();
      log(disk === 'off' ? 'sandbox disk limit: off' : `sandbox disk limit: ${formatBytes(this.settings.diskBytes)} per sandbox, enforced by ${disk === 'watchdog' ? 'a watchdog (this engine has no --storage-opt quotas; see sandbox/drivers/docker/README.md)' : '--storage-opt and a watchdog'}`);
      if (this.settings.warmPool > 0) void this.fillPool().catch(() => undefined);
    })();
    this.building.catch((err: Error) => {
      log(`sandbox images: build failed: ${err.message}`);
      this.building = undefined;
    });
    return this.building;
  }

  /** Throws a clear error when the engine or the sandbox image is missing. */
  async preflight(): Promise<void> {
    await this.building?.catch(() => undefined);
    try {
      await this.docker.ping();
    } catch {
      throw new SandboxError('unavailable', 'Docker is not reachable at /var/run/docker.sock: install docker.io and start dockerd (bash scripts/install-system-deps.sh does both)');
    }
    try {
      await this.docker.getImage(this.settings.image).inspect();
    } catch {
      throw new SandboxError('unavailable', `the sandbox image ${this.settings.image} is missing: run "npx kubelab sandbox build"`);
    }
  }

  private containerName(id: string): string {
    return CONTAINER_PREFIX + id;
  }

  private async inspect(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(name).inspect();
    } catch {
      return undefined;
    }
  }

  private async runningSandboxes(): Promise<Docker.ContainerInfo[]> {
    const all = await this.docker.listContainers({ filters: { label: [LABEL] } });
    return all.filter((c) => c.Names.some((n) => n.startsWith('/' + CONTAINER_PREFIX)));
  }

  private info(record: SandboxRecord, running: boolean): SandboxInfo {
    const info: SandboxInfo = {
      id: record.id,
      userId: record.userId,
      profile: record.profile,
      state: running ? 'running' : 'stopped',
      createdAt: new Date(record.createdAt),
    };
    if (running) {
      if (record.profile === 'docker' || record.profile === 'full') info.dockerHost = `container:${this.containerName(record.id)}`;
      if (record.startedAt) info.startedAt = new Date(record.startedAt);
      if (record.expiresAt) {
        info.expiresAt = new Date(record.expiresAt);
        info.expiryWarningMs = WARNING_BEFORE_EXPIRY_MS;
        info.message = `stops at ${info.expiresAt.toISOString()} unless extended`;
      }
    }
    const disk = this.disk.usage(record.id);
    if (disk) info.disk = disk;
    return info;
  }

  private async isRunning(id: string): Promise<boolean> {
    return (await this.inspect(this.containerName(id)))?.State.Running === true;
  }

  /** How the disk limit is enforced on this engine (see disk.ts and README.md). */
  async diskEnforcement(): Promise<'off' | 'watchdog' | 'storage-opt+watchdog'> {
    if (this.settings.diskBytes <= 0) return 'off';
    return (await this.supportsStorageOpt()) ? 'storage-opt+watchdog' : 'watchdog';
  }

  private supportsStorageOpt(): Promise<boolean> {
    this.storageOpt ??= storageOptSupported(this.docker, this.settings.image);
    return this.storageOpt;
  }

  async create(input: SandboxSpec): Promise<SandboxInfo> {
    const spec = sandboxSpecSchema.parse(input);
    await this.preflight();
    const existing = this.records.get(spec.id);
    const current = await this.inspect(this.containerName(spec.id));
    if (existing && current?.State.Running) return this.info(existing, true);
    if (current) await this.docker.getContainer(this.containerName(spec.id)).remove({ force: true }).catch(() => undefined);

    await this.admit(spec.id, spec.userId);
    const now = Date.now();
    let record: SandboxRecord | undefined = existing ? { ...existing, profile: widest(existing.profile, spec.profile) } : undefined;
    let container: Docker.Container | undefined;
    if (!record) {
      const pooled = await this.claimFromPool(spec.id);
      if (pooled) {
        record = { id: spec.id, userId: spec.userId, profile: 'full', slot: pooled.slot, createdAt: now };
        container = pooled.container;
      }
    }
    record ??= { id: spec.id, userId: spec.userId, profile: spec.profile, slot: CONTAINER_PREFIX + spec.id, createdAt: now };
    record.startedAt = now;
    record.expiresAt = now + this.settings.maxLifetimeMs;
    this.records.put(record);
    this.warned.delete(spec.id);

    try {
      container ??= await this.startContainer(this.containerName(spec.id), record.slot, record.profile, 'sandbox');
      await this.waitReady(container);
    } catch (err) {
      const info = this.info(record, await this.isRunning(spec.id));
      info.state = 'failed';
      info.message = err instanceof Error ? err.message : String(err);
      return info;
    }
    if (this.settings.warmPool > 0) void this.fillPool().catch(() => undefined);

    const info = this.info(record, await this.isRunning(spec.id));
    for (const command of spec.setup) {
      const r = await this.exec(spec.id, command, { timeoutMs: 120_000 });
      if (r.exitCode !== 0) {
        info.message = `setup command failed (${r.exitCode}): ${command}\n${r.stderr.trim()}`;
        break;
      }
    }
    return info;
  }

  /** Global and per-learner caps; a learner over the global cap keeps a place in line while retrying. */
  private async admit(id: string, userId: string): Promise<void> {
    const running = await this.runningSandboxes();
    const mine = this.records.all().filter((r) => r.userId === userId && r.id !== id && running.some((c) => c.Names.includes('/' + this.containerName(r.id))));
    if (mine.length >= this.settings.maxPerUser) {
      throw new SandboxError('busy', `you already have ${mine.length} sandboxes running (at most ${this.settings.maxPerUser}); stop one first: ${mine.map((r) => r.id).join(', ')}`);
    }
    const now = Date.now();
    // Places in line expire when the learner stops asking.
    for (let i = this.queue.length - 1; i >= 0; i--) if (now - this.queue[i].at > 60_000) this.queue.splice(i, 1);
    let place = this.queue.findIndex((q) => q.id === id);
    const free = this.settings.maxSandboxes - running.length;
    if (free > 0 && (place === -1 ? this.queue.length < free : place < free)) {
      if (place !== -1) this.queue.splice(place, 1);
      return;
    }
    if (place === -1) {
      this.queue.push({ id, at: now });
      place = this.queue.length - 1;
    } else this.queue[place].at = now;
    throw new SandboxError('busy', `All ${this.settings.maxSandboxes} sandboxes are busy right now. You are number ${place + 1} in line; your sandbox starts as soon as one is free.`);
  }

  private async startContainer(name: string, slot: string, profile: SandboxProfileName, role: 'sandbox' | 'pool'): Promise<Docker.Container> {
    await ensureHostGuard();
    const mirror = await ensureMirror(this.docker, this.opts.stateDir).then(() => true, () => false);
    const network = await ensureNetwork(this.docker, slot, { 'io.kubelab.slot': slot });
    if (mirror) await connectMirror(this.docker, network);
    const vols = volumesOf(slot);
    for (const v of Object.values(vols)) await this.docker.createVolume({ Name: v, Labels: { [LABEL]: 'volume', 'io.kubelab.slot': slot } });
    const s = this.settings;
    // Caps the writable layer where the engine can (overlay2 on xfs+pquota); the volumes are left to the watchdog.
    const storageOpt = s.diskBytes > 0 && (await this.supportsStorageOpt()) ? { StorageOpt: { size: String(s.diskBytes) } } : {};
    const container = await this.docker.createContainer({
      name,
      Image: s.image,
      Hostname: 'kubelab',
      Labels: { [LABEL]: role, 'io.kubelab.slot': slot },
      Env: [`KUBELAB_PROFILE=${profile}`, ...(mirror ? [`KUBELAB_MIRROR=${MIRROR_ADDRESS}`] : []), `KUBELAB_CLUSTER_ARGS=${s.clusterArgs}`],
      HostConfig: {
        NetworkMode: slot,
        Binds: [`${vols.docker}:/var/lib/docker`, `${vols.home}:/root`, `${vols.cluster}:/var/lib/kubelab`, ...hostMounts()],
        Privileged: s.privileged,
        CapAdd: s.privileged ? undefined : s.capAdd,
        CapDrop: s.privileged ? undefined : s.capDrop,
        // `systempaths=unconfined` is a docker CLI option; the API spells it as empty masked/read-only path lists.
        SecurityOpt: s.securityOpt.filter((o) => o !== 'systempaths=unconfined'),
        ...(s.securityOpt.includes('systempaths=unconfined') ? { MaskedPaths: [], ReadonlyPaths: [] } : {}),
        DeviceCgroupRules: s.deviceCgroupRules,
        Memory: s.memoryBytes,
        MemorySwap: s.memoryBytes,
        NanoCpus: s.nanoCpus,
        PidsLimit: s.pidsLimit,
        Tmpfs: { '/run': 'rw,exec,size=64m', '/tmp': 'rw,exec,size=256m' },
        ...storageOpt,
        Init: false,
      },
    });
    await container.start();
    return container;
  }

  private async waitReady(container: Docker.Container): Promise<void> {
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 120_000);
    for (;;) {
      const r = await execCollect(container, ['sh', '-c', 'if [ -f /run/kubelab/ready ]; then echo ready; elif [ -f /run/kubelab/failed ]; then cat /run/kubelab/failed; exit 3; fi']).catch((err: Error) => ({ exitCode: 2, stdout: '', stderr: err.message }));
      if (r.stdout.trim() === 'ready') return;
      if (r.exitCode === 3) throw new Error(`the sandbox did not start: ${r.stdout.trim()}`);
      const state = await container.inspect().catch(() => undefined);
      if (!state?.State.Running) throw new Error(`the sandbox container exited (${state?.State.ExitCode ?? 'removed'}): ${(await container.logs({ stdout: true, stderr: true, tail: 20 }).catch(() => '')).toString().trim()}`);
      if (Date.now() > deadline) throw new Error('the sandbox did not become ready in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private running(id: string): Docker.Container {
    return this.docker.getContainer(this.containerName(id));
  }

  private async requireRunning(id: string): Promise<Docker.Container> {
    const info = await this.inspect(this.containerName(id));
    if (!info?.State.Running) throw new SandboxError('not_found', `sandbox ${id} is not running`);
    return this.running(id);
  }

  async attach(id: string, size: { cols: number; rows: number }): Promise<PtyStream> {
    const container = await this.requireRunning(id);
    const stream = await openPty(container, size, []);
    const set = this.ptys.get(id) ?? new Set();
    this.ptys.set(id, set);
    set.add(stream);
    stream.onExit(() => set.delete(stream));
    return stream;
  }

  async exec(id: string, command: string, opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const container = await this.requireRunning(id);
    const seconds = Math.max(1, Math.ceil((opts.timeoutMs ?? 30_000) / 1000));
    const r = await execCollect(container, ['timeout', '-s', 'KILL', String(seconds), 'bash', '-c', command]);
    if (r.exitCode === 137 && r.stderr === '') return { ...r, exitCode: 124, stderr: `command timed out after ${seconds * 1000} ms\n` };
    return r;
  }

  /** The sandbox container's address on its own network (the web-ports proxy connects there). */
  async portTarget(id: string): Promise<string> {
    const info = await this.inspect(this.containerName(id));
    if (!info?.State.Running) throw new SandboxError('not_found', `sandbox ${id} is not running: start it from a lesson first`);
    const ip = Object.values(info.NetworkSettings.Networks ?? {})[0]?.IPAddress;
    if (!ip) throw new SandboxError('unavailable', `sandbox ${id} has no network address`);
    return ip;
  }

  /** Stops the sandbox; its volumes (inner Docker data, cluster state, home) are kept for the next start. */
  async stop(id: string): Promise<void> {
    for (const p of this.ptys.get(id) ?? []) p.dispose();
    this.ptys.delete(id);
    const record = this.records.get(id);
    const container = this.running(id);
    await container.stop({ t: 10 }).catch(() => undefined);
    await container.remove({ force: true }).catch(() => undefined);
    if (record) {
      await removeNetwork(this.docker, record.slot);
      this.records.put({ ...record, startedAt: undefined, expiresAt: undefined });
    }
  }

  /** Stops the sandbox and deletes everything the learner did in it. */
  async reset(id: string): Promise<void> {
    await this.stop(id);
    const record = this.records.get(id);
    if (!record) return;
    for (const v of Object.values(volumesOf(record.slot))) await this.docker.getVolume(v).remove({ force: true }).catch(() => undefined);
    this.records.delete(id);
  }

  /** Pushes the automatic stop back by `ms` (default one hour). Idle sandboxes still stop on their idle timeout. */
  async extend(id: string, ms = 60 * 60_000): Promise<Date> {
    const record = this.records.get(id);
    if (!record?.expiresAt) throw new SandboxError('not_found', `sandbox ${id} is not running`);
    record.expiresAt = Math.max(record.expiresAt, Date.now()) + ms;
    this.records.put(record);
    this.warned.delete(id);
    return new Date(record.expiresAt);
  }

  async status(id: string): Promise<SandboxInfo | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    return this.info(record, await this.isRunning(id));
  }

  async list(): Promise<SandboxInfo[]> {
    const running = new Set((await this.runningSandboxes()).flatMap((c) => c.Names.map((n) => n.slice(1))));
    return this.records.all().map((r) => this.info(r, running.has(this.containerName(r.id))));
  }

  /** Writes a line to every terminal open in the sandbox (including ones attached by another process). */
  async broadcast(id: string, message: string): Promise<void> {
    const text = `\r\n\x1b[1;33m*** kubelab: ${message}\x1b[0m\r\n`;
    await execCollect(this.running(id), ['sh', '-c', 'cat > /tmp/.kubelab-msg && for t in /dev/pts/[0-9]*; do [ -c "$t" ] && cat /tmp/.kubelab-msg > "$t"; done; rm -f /tmp/.kubelab-msg'], { stdin: text }).catch(() => undefined);
  }

  /** Warns before and enforces the maximum lifetime and the disk limit; refills the warm pool. */
  async housekeeping(now = Date.now()): Promise<string[]> {
    const stopped: string[] = [];
    const running = new Set((await this.runningSandboxes()).flatMap((c) => c.Names.map((n) => n.slice(1))));
    for (const r of this.records.all()) {
      if (!r.expiresAt || !running.has(this.containerName(r.id))) continue;
      const left = r.expiresAt - now;
      if (left <= 0) {
        await this.broadcast(r.id, 'this sandbox has reached its time limit and is stopping now. Your work is saved; press Start to resume.');
        await this.stop(r.id);
        stopped.push(r.id);
      } else if (left <= WARNING_BEFORE_EXPIRY_MS && !this.warned.has(r.id)) {
        this.warned.add(r.id);
        await this.broadcast(r.id, `this sandbox stops in ${Math.ceil(left / 60_000)} minute(s). Your work is saved; use "Extend" in the lesson to keep going.`);
      }
    }
    // A failed measurement (engine busy) must not keep the warm pool from being refilled.
    stopped.push(...(await this.disk.tick(now).catch(() => ({ stopped: [] as string[] }))).stopped);
    if (this.settings.warmPool > 0) await this.fillPool();
    return stopped;
  }

  /** Starts pool sandboxes (full profile, no owner) until the pool has its configured size. */
  fillPool(): Promise<void> {
    this.filling ??= (async () => {
      try {
        for (;;) {
          const all = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL}=pool`] } });
          const waiting = all.filter((c) => c.Names.some((n) => n.startsWith('/' + POOL_PREFIX)));
          const used = (await this.runningSandboxes()).length;
          if (waiting.length >= this.settings.warmPool || used + waiting.length >= this.settings.maxSandboxes) return;
          const slot = POOL_PREFIX + randomBytes(6).toString('hex');
          const container = await this.startContainer(slot, slot, 'full', 'pool');
          await this.waitReady(container).catch(async () => {
            await container.remove({ force: true }).catch(() => undefined);
          });
        }
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }

  /** Takes a ready pool sandbox for a new learner: renames it to the learner's sandbox. */
  private async claimFromPool(id: string): Promise<{ container: Docker.Container; slot: string } | undefined> {
    if (this.settings.warmPool <= 0) return undefined;
    const pool = await this.docker.listContainers({ filters: { label: [`${LABEL}=pool`] } });
    for (const c of pool.sort((a, b) => a.Created - b.Created)) {
      const name = c.Names.find((n) => n.startsWith('/' + POOL_PREFIX))?.slice(1);
      if (!name) continue;
      const container = this.docker.getContainer(c.Id);
      const ready = await execCollect(container, ['test', '-f', '/run/kubelab/ready']).catch(() => ({ exitCode: 1 }));
      if (ready.exitCode !== 0) continue;
      try {
        await container.rename({ name: this.containerName(id) });
      } catch {
        continue; // another process claimed it first
      }
      return { container, slot: c.Labels['io.kubelab.slot'] ?? name };
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.filling?.catch(() => undefined);
  }
}

function widest(a: SandboxProfileName, b: SandboxProfileName): SandboxProfileName {
  if (a === b || b === 'none') return a;
  if (a === 'none') return b;
  return 'full';
}
