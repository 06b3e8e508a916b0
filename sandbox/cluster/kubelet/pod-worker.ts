// One pod's life on a node, like the kubelet's pod worker: a serialized sync loop that compares
// the pod spec with what the runtime runs and acts (sandbox, image pulls, init containers, main
// containers, restarts with back-off, probes, termination), then posts status when it changed.
import { REF } from '../api/registry';
import { isStatusError } from '../api/errors';
import type { ClusterContext } from '../context';
import type { KubeObject } from '../store/types';
import { parseImageReference } from './image-ref';
import { resolveEnv, EnvResolutionError } from './env';
import { containerMounts, MountError, resolveVolumes } from './volumes';
import { podDNS } from './dns';
import { ProbeRunner, resolvePort, type ProbeKind, type ProbeSpec } from './probes';
import { buildPodStatus, isSidecar, type ContainerRecord } from './pod-status';
import { ContainerStartError, containerIDScheme, ImagePullError, type ContainerConfig, type ContainerExit, type ContainerRuntime, type ImageInfo, type PodSandboxSpec, type ProbeHandler } from './runtime';
import { goDuration, jsonEqual, scaled, Timers } from './time';

export interface ContainerSpec {
  name: string;
  /** Only on init containers: `Always` makes it a sidecar. */
  restartPolicy?: string;
  terminationMessagePolicy?: string;
  lifecycle?: { postStart?: ProbeHandler; preStop?: ProbeHandler };
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: unknown[];
  envFrom?: unknown[];
  ports?: Array<{ containerPort: number; protocol?: string; name?: string }>;
  imagePullPolicy?: string;
  stdin?: boolean;
  tty?: boolean;
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  [key: string]: unknown;
}

export interface PodSpec {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  hostname?: string;
  nodeName?: string;
}

export interface PodWorkerDeps {
  ctx: ClusterContext;
  runtime: ContainerRuntime;
  nodeName: string;
  hostIP: string;
  /** Allocates a pod IP from the node's block (or returns `preferred` if it is free and in the block). */
  allocateIP(preferred?: string): string;
  releaseIP(ip: string): void;
  /** Called once the pod is gone from the node. */
  onFinished(uid: string): void;
}

const CRASH_BACKOFF_INITIAL_MS = 10_000;
const CRASH_BACKOFF_MAX_MS = 300_000;
/** Floors keep back-off timers from spinning when timeScale is 0 (tests). */
const BACKOFF_FLOOR_MS = 25;
const BACKOFF_FLOOR_MAX_MS = 1_000;
/** A container that ran this long before failing starts its back-off from scratch. */
const BACKOFF_RESET_AFTER_MS = 10 * 60_000;

export class PodWorker {
  readonly uid: string;
  private pod: KubeObject;
  private deletedFromStore = false;
  private readonly records = new Map<string, ContainerRecord>();
  private sandbox?: { podIP: string };
  private startTime?: Date;
  private terminalPhase?: 'Succeeded' | 'Failed';
  private terminating = false;
  private finished = false;
  private dirty = false;
  private running = false;
  private readonly timers = new Timers();
  private readonly probes = new Map<string, ProbeRunner[]>();
  private adopted = false;
  private initialStatus?: Record<string, unknown>;
  private volumeSources?: ReturnType<typeof resolveVolumes>;
  private mountRetryMs = 0;
  private deadlineTimer?: NodeJS.Timeout;
  private terminalReason?: { reason: string; message: string };

  constructor(
    private readonly deps: PodWorkerDeps,
    pod: KubeObject,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid!;
  }

  private get ctx(): ClusterContext {
    return this.deps.ctx;
  }
  private get spec(): PodSpec {
    return this.pod.spec as PodSpec;
  }
  private get podKey(): string {
    return `${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
  }

  /** The pod object changed in the store. */
  update(pod: KubeObject): void {
    if (this.finished) return;
    this.pod = pod;
    this.poke();
  }

  /** The pod object is gone from the store (force delete or final delete). */
  removed(): void {
    this.deletedFromStore = true;
    this.poke();
  }

  /** Stops everything without touching the store (cluster shutdown). */
  async shutdown(): Promise<void> {
    this.finished = true;
    this.timers.clear();
    this.stopAllProbes();
  }

  /** The runtime container ID of `container` (current, or the previous one for `--previous`). */
  containerID(container: string, previous: boolean): string | undefined {
    const rec = this.records.get(container);
    return previous ? rec?.last?.id : rec?.current?.id;
  }

  record(container: string): ContainerRecord | undefined {
    return this.records.get(container);
  }

  poke(): void {
    this.dirty = true;
    if (!this.running) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.finished) {
        this.dirty = false;
        try {
          await this.syncOnce();
        } catch (err) {
          if (this.finished) break;
          // A runtime or store hiccup: retry shortly, like the kubelet's periodic resync.
          this.timers.after(scaled(1000, this.ctx.options.timeScale, 100), () => this.poke());
          if (process.env.KUBELAB_DEBUG) console.error(`kubelet ${this.deps.nodeName}: sync ${this.podKey} failed:`, err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Records an event; container events carry `spec.containers{name}` as fieldPath like the kubelet's. */
  private event(type: 'Normal' | 'Warning', reason: string, message: string, container?: ContainerRecord): void {
    const fieldPath = container ? `spec.${container.init ? 'initContainers' : 'containers'}{${container.name}}` : undefined;
    try {
      this.ctx.events.record(this.pod, type, reason, message, 'kubelet', { fieldPath, host: this.deps.nodeName });
    } catch {
      // Events are best effort, as in Kubernetes.
    }
  }

  private rec(c: ContainerSpec, init: boolean): ContainerRecord {
    let r = this.records.get(c.name);
    if (!r) {
      r = { name: c.name, init, spec: c, restartCount: 0, specHash: JSON.stringify(c) };
      this.records.set(c.name, r);
    } else r.spec = c;
    return r;
  }

  private async syncOnce(): Promise<void> {
    if (this.finished) return;
    if (this.deletedFromStore || this.pod.metadata.deletionTimestamp) {
      await this.terminate();
      return;
    }
    // A finished pod only reports (e.g. its sidecars stopping).
    if (this.terminalPhase) return this.writeStatus();
    const spec = this.spec;
    for (const c of spec.initContainers ?? []) this.rec(c, true);
    for (const c of spec.containers ?? []) this.rec(c, false);
    if (!this.sandbox) {
      this.startTime ??= this.ctx.now();
      // The status as it was before this kubelet touched the pod (persisted state after a restart).
      this.initialStatus ??= structuredClone((this.pod.status ?? {}) as Record<string, unknown>);
      this.restoreFromStatus();
      if (!this.initialStatus.podIP) this.writeStatus();
      await this.startSandbox();
      if (this.finished || this.pod.metadata.deletionTimestamp) return this.poke();
    }
    await this.restartChangedContainers();
    if (await this.enforceActiveDeadline()) return;
    if (!this.mountVolumes()) return this.writeStatus();

    const policy = spec.restartPolicy ?? 'Always';
    let initialized = true;
    for (const c of spec.initContainers ?? []) {
      const r = this.rec(c, true);
      const exit = r.current?.exit;
      if (isSidecar(c)) {
        // A restartable init container (sidecar) only has to be started; it is restarted whenever it exits.
        if (!r.current || exit) await this.ensureStarted(r);
        if (r.current && !r.current.exit && r.current.started) continue;
        if (!r.current && !r.last) {
          initialized = false;
          break;
        }
        if (r.current && !r.current.exit) {
          // Started but its startup probe has not passed yet.
          initialized = false;
          break;
        }
        continue;
      }
      if (r.current && !exit) {
        initialized = false;
        break;
      }
      if (exit && exit.exitCode === 0) continue;
      initialized = false;
      if (exit && policy === 'Never') {
        this.terminalPhase = 'Failed';
        break;
      }
      await this.ensureStarted(r);
      break;
    }
    if (initialized && !this.terminalPhase) {
      for (const c of spec.containers ?? []) {
        if (this.pod.metadata.deletionTimestamp || this.deletedFromStore) break;
        const r = this.rec(c, false);
        if (r.current && !r.current.exit) continue;
        if (r.current?.exit) {
          const restart = policy === 'Always' || (policy === 'OnFailure' && r.current.exit.exitCode !== 0);
          if (!restart) continue;
        }
        await this.ensureStarted(r);
      }
    }
    const status = this.buildStatus();
    const phase = status.phase as string;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.terminalPhase = phase;
      this.stopAllProbes();
      await this.deps.runtime.stopPod(this.uid).catch(() => undefined);
    }
    this.writeStatus();
  }

  /** Reloads restart counts (and running containers, if the runtime can adopt them) after a restart of the cluster process. */
  private restoreFromStatus(): void {
    const status = (this.initialStatus ?? {}) as { containerStatuses?: Array<Record<string, unknown>>; initContainerStatuses?: Array<Record<string, unknown>> };
    for (const cs of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
      const r = this.records.get(cs.name as string);
      if (r && typeof cs.restartCount === 'number') r.restartCount = cs.restartCount;
      const term = (cs.state as { terminated?: Record<string, unknown> } | undefined)?.terminated;
      if (r && term && r.init && term.exitCode === 0) {
        // A finished init container stays finished.
        r.current = {
          id: String(term.containerID ?? '').replace(/^.*:\/\//, ''),
          startedAt: new Date(String(term.startedAt)),
          exit: { exitCode: 0, reason: 'Completed', startedAt: new Date(String(term.startedAt)), finishedAt: new Date(String(term.finishedAt)) },
          ready: false,
          started: false,
        };
      }
    }
  }

  private sandboxSpec(podIP: string): PodSandboxSpec {
    return {
      uid: this.uid,
      namespace: this.pod.metadata.namespace!,
      name: this.pod.metadata.name!,
      nodeName: this.deps.nodeName,
      hostIP: this.deps.hostIP,
      podIP,
      hostNetwork: this.spec.hostNetwork === true,
      hostname: this.spec.hostname ?? this.pod.metadata.name!,
      dns: podDNS(this.pod, this.ctx.options.serviceCIDR),
      pod: this.pod,
    };
  }

  private async startSandbox(): Promise<void> {
    const hostNetwork = this.spec.hostNetwork === true;
    const previous = (this.initialStatus as { podIP?: string } | undefined)?.podIP;
    const podIP = hostNetwork ? this.deps.hostIP : this.deps.allocateIP(previous);
    const spec = this.sandboxSpec(podIP);
    let sandbox: { podIP: string };
    try {
      // What survived a restart is checked before the sandbox is (re)made: quick, and the status
      // stops claiming Running for containers that are not as early as possible.
      if (!this.adopted) {
        await this.adoptExisting(spec);
        this.adopted = true;
      }
      sandbox = await this.deps.runtime.startPod(spec);
    } catch (err) {
      if (!hostNetwork) this.deps.releaseIP(podIP);
      if (this.adopted) this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`);
      // A pod persisted as Running has nothing running without its sandbox: say so while retrying.
      if (this.persistedRunning().length > 0) this.writeStatus();
      throw err;
    }
    this.sandbox = { podIP: sandbox.podIP };
  }

  /** Containers the persisted status (from before a restart) says were running. */
  private persistedRunning(): Array<Record<string, unknown>> {
    return ((this.initialStatus as { containerStatuses?: Array<Record<string, unknown>> } | undefined)?.containerStatuses ?? []).filter(
      (cs) => (cs.state as { running?: unknown } | undefined)?.running && typeof cs.containerID === 'string',
    );
  }

  /**
   * After a restart (of the cluster process or the node's runtime), like the kubelet's first sync
   * after a node reboot: takes over the containers the store says were running. Those still
   * running are watched again; those that ended meanwhile keep their exit as the current state (the
   * sync then restarts them per restartPolicy, counting the restart); lost ones are started again.
   * The status is written at once, so nothing reports Running for a container that is not.
   */
  private async adoptExisting(spec: PodSandboxSpec): Promise<void> {
    const statuses = this.persistedRunning();
    if (statuses.length === 0) return;
    await this.adoptRunning(spec, statuses);
    this.writeStatus();
  }

  private async adoptRunning(spec: PodSandboxSpec, statuses: Array<Record<string, unknown>>): Promise<void> {
    const rt = this.deps.runtime;
    if (!rt.adoptPod) return;
    const entries: Array<{ name: string; containerID: string; config: ContainerConfig; startedAt?: Date }> = [];
    for (const cs of statuses) {
      const r = this.records.get(cs.name as string);
      if (!r || r.init) continue;
      const imageInfo: ImageInfo = { imageRef: String(cs.image ?? r.spec.image), imageID: String(cs.imageID ?? ''), size: 0 };
      try {
        const config = this.containerConfig(r, imageInfo);
        const startedAt = (cs.state as { running: { startedAt?: string } }).running.startedAt;
        entries.push({ name: r.name, containerID: String(cs.containerID).replace(/^.*:\/\//, ''), config, startedAt: startedAt ? new Date(startedAt) : undefined });
      } catch {
        // Unresolvable env now: the container is started again normally.
      }
    }
    const adopted = await rt.adoptPod(spec, entries);
    for (const e of entries) {
      const found = adopted[e.name];
      if (!found) continue;
      const r = this.records.get(e.name)!;
      r.imageInfo = e.config.imageInfo;
      if (found.exit) {
        r.current = { id: found.id, startedAt: found.exit.startedAt, exit: found.exit, ready: false, started: false };
        continue;
      }
      r.current = { id: found.id, startedAt: e.startedAt ?? this.ctx.now(), ready: !r.spec.readinessProbe, started: !r.spec.startupProbe };
      this.watchExit(r, found.id);
      this.startProbes(r);
    }
    // Running before, gone now: like the kubelet, a terminated state with an unknown outcome, so the
    // restart that follows is counted.
    for (const cs of statuses) {
      const r = this.records.get(cs.name as string);
      if (!r || r.init || r.current) continue;
      const startedAt = new Date(String((cs.state as { running: { startedAt?: string } }).running.startedAt ?? this.ctx.now().toISOString()));
      const exit: ContainerExit = { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt, finishedAt: this.ctx.now() };
      r.current = { id: String(cs.containerID).replace(/^.*:\/\//, ''), startedAt, exit, ready: false, started: false };
    }
  }

  /**
   * spec.activeDeadlineSeconds: once the pod has been active on the node that long, its containers
   * are killed and it fails with reason DeadlineExceeded (like the kubelet's active deadline handler).
   * Returns true when the pod has just failed.
   */
  private async enforceActiveDeadline(): Promise<boolean> {
    const deadline = (this.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds;
    if (typeof deadline !== 'number' || deadline <= 0) return false;
    const since = Date.parse(String((this.initialStatus as { startTime?: string } | undefined)?.startTime ?? '')) || this.startTime!.getTime();
    const remaining = since + deadline * 1000 - this.ctx.now().getTime();
    if (remaining > 0) {
      this.timers.cancel(this.deadlineTimer);
      this.deadlineTimer = this.timers.after(remaining + 5, () => this.poke());
      return false;
    }
    const message = 'Pod was active on the node longer than the specified deadline';
    this.event('Normal', 'DeadlineExceeded', message);
    this.stopAllProbes();
    const grace = this.graceSeconds(this.spec.terminationGracePeriodSeconds ?? 30);
    await Promise.all(
      [...this.records.values()].filter((r) => r.current && !r.current.exit).map((r) => {
        this.event('Normal', 'Killing', `Stopping container ${r.name}`, r);
        return this.deps.runtime.killContainer(r.current!.id, grace).catch(() => undefined);
      }),
    );
    // Container exits seen from here on are the kill's, not crashes to restart.
    for (const r of this.records.values()) if (r.current && !r.current.exit) r.current.exit = await this.deps.runtime.waitContainer(r.current.id);
    this.terminalPhase = 'Failed';
    this.terminalReason = { reason: 'DeadlineExceeded', message };
    await this.deps.runtime.stopPod(this.uid).catch(() => undefined);
    this.writeStatus();
    return true;
  }

  /**
   * Resolves volume sources before containers start (like the volume manager's WaitForAttachAndMount).
   * On failure: FailedMount event, containers stay ContainerCreating, retried with back-off.
   */
  private mountVolumes(): boolean {
    try {
      this.volumeSources = resolveVolumes(this.ctx, this.pod);
      this.mountRetryMs = 0;
      return true;
    } catch (err) {
      if (!(err instanceof MountError)) throw err;
      if (this.volumeSources) return true; // Already mounted: a source deleted later does not stop running containers.
      this.event('Warning', 'FailedMount', err.message);
      this.mountRetryMs = Math.min(Math.max(this.mountRetryMs * 2, 500), 120_000);
      this.timers.after(scaled(this.mountRetryMs, this.ctx.options.timeScale, 50), () => this.poke());
      return false;
    }
  }

  /** Spec changes the kubelet applies to running containers (e.g. `kubectl set image` on a bare pod). */
  private async restartChangedContainers(): Promise<void> {
    for (const r of this.records.values()) {
      const hash = JSON.stringify(r.spec);
      if (hash === r.specHash) continue;
      r.specHash = hash;
      if (r.current && !r.current.exit) {
        this.event('Normal', 'Killing', `Container ${r.name} definition changed, will be restarted`, r);
        this.stopProbes(r.name);
        await this.deps.runtime.killContainer(r.current.id, this.graceSeconds(this.spec.terminationGracePeriodSeconds ?? 30));
        // Not a crash: restart at once.
        r.skipBackoffOnce = true;
      }
    }
  }

  private graceSeconds(seconds: number): number {
    return scaled(seconds, this.ctx.options.timeScale);
  }

  private backoffFloor(durationMs: number): number {
    const doublings = Math.max(0, Math.log2(durationMs / CRASH_BACKOFF_INITIAL_MS));
    return Math.min(BACKOFF_FLOOR_MAX_MS, BACKOFF_FLOOR_MS * 2 ** doublings);
  }

  private scaledBackoff(durationMs: number): number {
    return scaled(durationMs, this.ctx.options.timeScale, this.backoffFloor(durationMs));
  }

  /** Starts (or restarts) one container, honouring crash and image-pull back-off. */
  private async ensureStarted(r: ContainerRecord): Promise<void> {
    const now = this.ctx.now().getTime();
    const exit = r.current?.exit;
    if (exit) {
      if (exit.finishedAt.getTime() - exit.startedAt.getTime() > BACKOFF_RESET_AFTER_MS) r.crashBackoffMs = undefined;
      const wait = r.crashBackoffMs !== undefined && !r.skipBackoffOnce ? this.scaledBackoff(r.crashBackoffMs) - (now - exit.finishedAt.getTime()) : 0;
      if (wait > 0) {
        r.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(r.crashBackoffMs!)} restarting failed container=${r.name} pod=${this.podKey}` };
        if (this.backoffEventDue(r, exit.finishedAt.getTime())) this.event('Warning', 'BackOff', `Back-off restarting failed container ${r.name} in pod ${this.podKey}`, r);
        this.timers.cancel(r.backoffTimer);
        r.backoffTimer = this.timers.after(wait + 1, () => this.poke());
        return;
      }
      if (!r.skipBackoffOnce) r.crashBackoffMs = r.crashBackoffMs === undefined ? CRASH_BACKOFF_INITIAL_MS : Math.min(r.crashBackoffMs * 2, CRASH_BACKOFF_MAX_MS);
      r.skipBackoffOnce = false;
    }
    const info = await this.ensureImage(r);
    if (!info || this.pod.metadata.deletionTimestamp || this.deletedFromStore) return;
    let config: ContainerConfig;
    try {
      config = this.containerConfig(r, info);
    } catch (err) {
      if (!(err instanceof EnvResolutionError)) throw err;
      r.waiting = { reason: 'CreateContainerConfigError', message: err.message };
      this.event('Warning', 'Failed', `Error: ${err.message}`, r);
      this.timers.cancel(r.backoffTimer);
      r.backoffTimer = this.timers.after(this.scaledBackoff(CRASH_BACKOFF_INITIAL_MS), () => this.poke());
      return;
    }
    const rt = this.deps.runtime;
    let id: string;
    try {
      id = await rt.createContainer(this.uid, config);
    } catch (err) {
      // Any runtime failure here is the container's CreateContainerError, as with CRI.
      const reason = err instanceof ContainerStartError ? err.reason : 'CreateContainerError';
      const message = err instanceof Error ? err.message : String(err);
      r.waiting = { reason, message };
      this.event('Warning', 'Failed', `Error: ${message}`, r);
      r.crashBackoffMs ??= CRASH_BACKOFF_INITIAL_MS;
      this.timers.cancel(r.backoffTimer);
      r.backoffTimer = this.timers.after(this.scaledBackoff(r.crashBackoffMs), () => this.poke());
      return;
    }
    if (r.current) {
      // The previous container becomes lastState; the one before it is garbage-collected.
      if (r.last) void rt.removeContainer(r.last.id).catch(() => undefined);
      if (r.current.exit) r.last = { id: r.current.id, exit: r.current.exit };
      r.restartCount++;
    }
    r.current = undefined;
    this.event('Normal', 'Created', 'Container created', r);
    try {
      const started = await rt.startContainer(id);
      r.current = { id, startedAt: started.startedAt, ready: !r.spec.readinessProbe, started: !r.spec.startupProbe };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.event('Warning', 'Failed', `Error: failed to start container "${r.name}": ${message}`, r);
      const at = this.ctx.now();
      r.current = { id, startedAt: at, exit: { exitCode: 128, reason: 'StartError', message, startedAt: at, finishedAt: at }, ready: false, started: false };
      r.waiting = { reason: 'RunContainerError', message };
      return;
    }
    r.waiting = undefined;
    this.event('Normal', 'Started', 'Container started', r);
    this.watchExit(r, id);
    const postStart = r.spec.lifecycle?.postStart;
    if (postStart) {
      const failure = await this.runHook(r, id, postStart, 'PostStart');
      if (failure) {
        this.event('Warning', 'FailedPostStartHook', failure, r);
        this.event('Normal', 'Killing', 'FailedPostStartHook', r);
        await rt.killContainer(id, this.graceSeconds(this.spec.terminationGracePeriodSeconds ?? 30)).catch(() => undefined);
        return;
      }
    }
    this.startProbes(r);
    // Show Running at once; the loop posts the full status when it finishes.
    this.writeStatus();
  }

  /** Runs a lifecycle hook once; returns the kubelet's failure message, or undefined on success. */
  private async runHook(r: ContainerRecord, id: string, hook: ProbeHandler, kind: 'PostStart' | 'PreStop'): Promise<string | undefined> {
    const c = r.spec;
    const handler: ProbeHandler = hook.httpGet ? { httpGet: { ...hook.httpGet, port: resolvePort(hook.httpGet.port, c) } } : hook;
    const where = `for Container "${r.name}" in Pod "${this.podKey}"`;
    try {
      const res = await this.deps.runtime.runProbe(id, handler, this.sandbox?.podIP ?? '', 30);
      if (res.result === 'success') return undefined;
      if (hook.exec) {
        const cmd = (hook.exec.command ?? []).join(' ');
        return `Exec lifecycle hook ([${cmd}]) ${where} failed - error: command '${cmd}' exited with a non-zero status: ${res.output}, message: ${JSON.stringify(res.output)}`;
      }
      return `HTTP lifecycle hook (${hook.httpGet?.path ?? ''}) ${where} failed - error: ${res.output}`;
    } catch (err) {
      return `${kind} hook ${where} failed - error: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /**
   * Back-off events are repeated by the kubelet's periodic syncs, not by every status write: at
   * most once per back-off window (keyed by `window`) and then every 10 s of real time.
   */
  private backoffEventDue(r: ContainerRecord, window: number): boolean {
    const now = Date.now();
    const last = r.lastBackoffEvent;
    if (last && last.window === window && now - last.at < 10_000) return false;
    r.lastBackoffEvent = { window, at: now };
    return true;
  }

  private watchExit(r: ContainerRecord, id: string): void {
    this.deps.runtime.waitContainer(id).then(
      async (exit: ContainerExit) => {
        if (r.current?.id !== id || this.finished) return;
        this.stopProbes(r.name);
        const message = exit.message ?? (await this.fallbackMessage(r, id, exit));
        if (r.current?.id !== id || this.finished) return;
        r.current.exit = message ? { ...exit, message } : exit;
        r.current.ready = false;
        this.poke();
      },
      () => undefined,
    );
  }

  /** terminationMessagePolicy FallbackToLogsOnError: a failed container's last log lines (80 lines / 2 KiB) become its message. */
  private async fallbackMessage(r: ContainerRecord, id: string, exit: ContainerExit): Promise<string | undefined> {
    if (r.spec.terminationMessagePolicy !== 'FallbackToLogsOnError' || exit.exitCode === 0) return undefined;
    try {
      const stream = await this.deps.runtime.logs(id, { follow: false, timestamps: false, tailLines: 80 });
      let text = '';
      for await (const chunk of stream) text += chunk.toString();
      const bytes = Buffer.from(text);
      return bytes.length > 2048 ? bytes.subarray(bytes.length - 2048).toString() : text || undefined;
    } catch {
      return undefined;
    }
  }

  private pullPolicy(c: ContainerSpec): string {
    if (c.imagePullPolicy) return c.imagePullPolicy;
    const ref = parseImageReference(c.image ?? '');
    return !ref || ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
  }

  /** Resolves the container's image (pulling per policy). Returns undefined and sets a waiting reason on failure. */
  private async ensureImage(r: ContainerRecord): Promise<ImageInfo | undefined> {
    const image = r.spec.image ?? '';
    const rt = this.deps.runtime;
    const node = this.deps.nodeName;
    if (!parseImageReference(image)) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      r.waiting = { reason: 'InvalidImageName', message };
      this.event('Warning', 'InspectFailed', message, r);
      this.event('Warning', 'Failed', 'Error: InvalidImageName', r);
      return undefined;
    }
    const policy = this.pullPolicy(r.spec);
    const present = await rt.imageStatus(image, node);
    if (policy === 'Never' && !present) {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      r.waiting = { reason: 'ErrImageNeverPull', message };
      this.event('Warning', 'ErrImageNeverPull', message, r);
      this.event('Warning', 'Failed', 'Error: ErrImageNeverPull', r);
      return undefined;
    }
    if (present && policy !== 'Always') {
      this.event('Normal', 'Pulled', `Container image "${image}" already present on machine and can be accessed by the pod`, r);
      r.imageInfo = present;
      return present;
    }
    const now = this.ctx.now().getTime();
    const backoff = r.imageBackoff;
    if (backoff && now < backoff.until) {
      r.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${backoff.lastError}` };
      if (this.backoffEventDue(r, backoff.until)) {
        this.event('Normal', 'BackOff', `Back-off pulling image "${image}"`, r);
        this.event('Warning', 'Failed', 'Error: ImagePullBackOff', r);
      }
      this.timers.cancel(r.backoffTimer);
      r.backoffTimer = this.timers.after(backoff.until - now + 1, () => this.poke());
      return undefined;
    }
    this.event('Normal', 'Pulling', `Pulling image "${image}"`, r);
    const t0 = Date.now();
    try {
      const info = await rt.pullImage(image, node);
      const took = goDuration(Date.now() - t0);
      this.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${info.size} bytes.`, r);
      r.imageBackoff = undefined;
      r.imageInfo = info;
      return info;
    } catch (caught) {
      // A runtime that fails in another way (daemon unreachable…) is reported like a failed pull too.
      const err = caught instanceof ImagePullError ? caught : new ImagePullError(caught instanceof Error ? caught.message : String(caught), 'Unavailable');
      this.event('Warning', 'Failed', `Failed to pull image "${image}": ${err.message}`, r);
      this.event('Warning', 'Failed', 'Error: ErrImagePull', r);
      r.waiting = { reason: 'ErrImagePull', message: err.message };
      const durationMs = backoff ? Math.min(backoff.durationMs * 2, CRASH_BACKOFF_MAX_MS) : CRASH_BACKOFF_INITIAL_MS;
      const until = this.ctx.now().getTime() + this.scaledBackoff(durationMs);
      r.imageBackoff = { durationMs, until, lastError: err.message };
      // The next sync (shortly) shows ImagePullBackOff; the one at `until` pulls again.
      this.timers.cancel(r.backoffTimer);
      r.backoffTimer = this.timers.after(Math.min(this.scaledBackoff(1000), until - this.ctx.now().getTime()), () => this.poke());
      return undefined;
    }
  }

  private containerConfig(r: ContainerRecord, info: ImageInfo): ContainerConfig {
    const c = r.spec;
    const env = resolveEnv(this.ctx, this.pod, c, this.deps.hostIP, this.sandbox?.podIP ?? '');
    // `$(VAR)` in command and args expands from the container's environment; `$$(VAR)` escapes.
    const vars = new Map(env.map((e) => [e.name, e.value]));
    const expand = (list?: string[]) => list?.map((a) => a.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n?: string) => (n === undefined ? '$' : vars.get(n) ?? m)));
    return {
      name: c.name,
      image: c.image ?? '',
      imageInfo: info,
      command: expand(c.command),
      args: expand(c.args),
      workingDir: c.workingDir,
      env,
      ports: (c.ports ?? []).map((p) => ({ containerPort: p.containerPort, protocol: p.protocol ?? 'TCP', name: p.name })),
      mounts: containerMounts(c, this.volumeSources ?? new Map()),
      stdin: c.stdin === true,
      tty: c.tty === true,
      init: r.init,
      restartCount: r.restartCount + (r.current ? 1 : 0),
      spec: c,
    };
  }

  // ---- probes ----

  private startProbes(r: ContainerRecord): void {
    this.stopProbes(r.name);
    if (!r.current || (r.init && !isSidecar(r.spec))) return;
    const id = r.current.id;
    const runners: ProbeRunner[] = [];
    const make = (kind: ProbeKind, probe: ProbeSpec) =>
      new ProbeRunner({
        kind,
        probe,
        container: r.spec,
        timeScale: this.ctx.options.timeScale,
        run: (handler, timeout) => this.deps.runtime.runProbe(id, handler, this.sandbox?.podIP ?? '', timeout),
        onResult: (ok, output) => this.onProbeResult(r, id, kind, probe, ok, output),
      });
    const startLiveAndReady = () => {
      if (r.spec.livenessProbe) runners.push(make('Liveness', r.spec.livenessProbe));
      if (r.spec.readinessProbe) runners.push(make('Readiness', r.spec.readinessProbe));
      for (const p of runners) if (p.kind !== 'Startup') p.start();
    };
    if (r.spec.startupProbe) {
      const startup = make('Startup', r.spec.startupProbe);
      startup.onSuccess = () => {
        startup.stop();
        if (r.current?.id === id) r.current.started = true;
        startLiveAndReady();
        this.poke();
      };
      runners.push(startup);
      startup.start();
    } else startLiveAndReady();
    this.probes.set(r.name, runners);
  }

  private onProbeResult(r: ContainerRecord, id: string, kind: ProbeKind, probe: ProbeSpec, transition: 'failed' | 'succeeded' | 'failure' | 'success', output: string): void {
    if (r.current?.id !== id || r.current.exit || this.terminating) return;
    if (transition === 'failure') this.event('Warning', 'Unhealthy', `${kind} probe failed: ${output}`, r);
    if (kind === 'Readiness') {
      const ready = transition === 'succeeded' ? true : transition === 'failed' ? false : r.current.ready;
      if (ready !== r.current.ready) {
        r.current.ready = ready;
        this.poke();
      }
      return;
    }
    if (transition !== 'failed') return;
    // Liveness or startup probe gave up: kill; the restart policy decides what happens next.
    this.event('Normal', 'Killing', `Container ${r.name} failed ${kind.toLowerCase()} probe, will be restarted`, r);
    this.stopProbes(r.name);
    const grace = probe.terminationGracePeriodSeconds ?? this.spec.terminationGracePeriodSeconds ?? 30;
    void this.deps.runtime.killContainer(id, this.graceSeconds(grace)).catch(() => undefined);
  }

  private stopProbes(name: string): void {
    for (const p of this.probes.get(name) ?? []) p.stop();
    this.probes.delete(name);
  }

  private stopAllProbes(): void {
    for (const name of [...this.probes.keys()]) this.stopProbes(name);
  }

  // ---- termination ----

  private async terminate(): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    this.timers.clear();
    this.stopAllProbes();
    const rt = this.deps.runtime;
    const meta = this.pod.metadata;
    const grace = meta.deletionGracePeriodSeconds ?? this.spec.terminationGracePeriodSeconds ?? 30;
    const kills: Promise<void>[] = [];
    for (const r of this.records.values()) {
      if (!r.current || r.current.exit) continue;
      const id = r.current.id;
      if (!this.deletedFromStore) this.event('Normal', 'Killing', `Stopping container ${r.name}`, r);
      const preStop = this.deletedFromStore ? undefined : r.spec.lifecycle?.preStop;
      kills.push(
        (async () => {
          const started = Date.now();
          if (preStop) {
            const failure = await this.runHook(r, id, preStop, 'PreStop');
            if (failure) this.event('Warning', 'FailedPreStopHook', failure, r);
          }
          // The hook's time comes out of the grace period (at least 2 s remain, like the kubelet's minimum).
          const left = this.deletedFromStore ? 0 : Math.max(this.graceSeconds(grace) - (Date.now() - started) / 1000, preStop ? this.graceSeconds(2) : 0);
          await rt.killContainer(id, left);
        })().catch(() => undefined),
      );
    }
    await Promise.all(kills);
    await rt.removePod(this.uid).catch(() => undefined);
    if (this.sandbox && this.spec.hostNetwork !== true) this.deps.releaseIP(this.sandbox.podIP);
    if (!this.deletedFromStore) {
      try {
        this.ctx.store.delete(REF.pods, meta.namespace, meta.name!, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
      } catch (err) {
        if (!(isStatusError(err) && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    this.finished = true;
    this.deps.onFinished(this.uid);
  }

  // ---- status ----

  private buildStatus(): Record<string, unknown> {
    return buildPodStatus({
      pod: this.pod,
      records: this.records,
      hostIP: this.deps.hostIP,
      podIP: this.sandbox?.podIP,
      startTime: this.startTime,
      terminalPhase: this.terminalPhase,
      terminalReason: this.terminalReason,
      scheme: containerIDScheme(this.deps.runtime),
      now: this.ctx.now(),
    });
  }

  private writeStatus(): void {
    if (this.deletedFromStore || this.terminating) return;
    const meta = this.pod.metadata;
    try {
      const updated = this.ctx.store.mutate(
        REF.pods,
        meta.namespace,
        meta.name!,
        (cur) => {
          if (cur.metadata.uid !== this.uid) return undefined;
          const current = (cur.status ?? {}) as Record<string, unknown>;
          const next = buildPodStatus({
            pod: cur,
            records: this.records,
            hostIP: this.deps.hostIP,
            podIP: this.sandbox?.podIP,
            startTime: this.startTime,
            terminalPhase: this.terminalPhase,
            terminalReason: this.terminalReason,
            scheme: containerIDScheme(this.deps.runtime),
            now: this.ctx.now(),
          });
          if (jsonEqual(current, next)) return undefined;
          return { ...cur, status: next };
        },
        { subresource: 'status' },
      );
      if (updated) this.pod = updated;
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404)) throw err;
    }
  }
}
