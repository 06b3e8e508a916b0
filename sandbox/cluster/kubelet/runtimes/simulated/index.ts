// The simulated container runtime: no processes, no network. Pulls succeed exactly for the
// images of the offline mirror (see images.ts), containers "run" the program model of
// program.ts in real time, and everything that would need a real process (exec, port-forward,
// the output of unmodelled programs) is refused with a message naming the `full` profile.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { badRequest } from '../../../api/errors';
import type { ExecSession } from '../../pod-io';
import {
  ImagePullError,
  ContainerStartError,
  type AdoptedContainer,
  type ContainerConfig,
  type ContainerExit,
  type ContainerRuntime,
  type ImageInfo,
  type PodSandbox,
  type PodSandboxSpec,
  type ProbeHandler,
  type ProbeResult,
  type RuntimeDescription,
  type RuntimeExecOptions,
  type RuntimeLogOptions,
  type StartedContainer,
} from '../../runtime';
import { parseImageReference } from '../../image-ref';
import { helloWorldOutput, oneShotPrograms, resolveImage, serverPrograms, type ResolvedImage } from './images';
import { base, evaluateProbeCommand, Killed, runProgram, traitsOf, type ProgramContext, type Stream } from './program';

export interface SimulatedRuntimeOptions {
  /** Multiplies simulated delays (pulls, container creation). 0 = instant. Program time (sleep) is always real. */
  timeScale: number;
  now?: () => Date;
  /** Max bytes of output kept per container (oldest dropped first). */
  maxLogBytes?: number;
}

interface OutputChunk {
  time: Date;
  stream: Stream;
  text: string;
}

interface SimContainer {
  id: string;
  podUID: string;
  config: ContainerConfig;
  image: ResolvedImage;
  argv: string[];
  state: 'created' | 'running' | 'exited';
  startedAt?: Date;
  exit?: ContainerExit;
  exitWaiters: Array<(exit: ContainerExit) => void>;
  output: OutputChunk[];
  outputBytes: number;
  /** False once the program does something the simulation does not model. */
  outputKnown: boolean;
  unknownWhy?: string;
  handlesTerm: boolean;
  /** Program is the image's default server (listens on the image's ports). */
  serving: boolean;
  files: Map<string, string>;
  knownDirs: string[];
  pendingSleeps: Set<{ timer?: NodeJS.Timeout; reject: (e: Error) => void }>;
  followers: Set<PassThrough>;
  killed: boolean;
  killTimer?: NodeJS.Timeout;
}

interface SimPod {
  spec: PodSandboxSpec;
  podIP: string;
  containers: Set<string>;
  /** emptyDir contents, shared by the pod's containers (volume name → relative path → content). */
  emptyDirs: Map<string, Map<string, string>>;
}

/**
 * A container's files: its own, with emptyDir mount points routed to the pod's shared volumes so
 * one container sees what another wrote.
 */
class ContainerFiles extends Map<string, string> {
  private mounts: Array<{ path: string; volume: Map<string, string> }> = [];

  mount(path: string, volume: Map<string, string>): void {
    this.mounts.push({ path: path.replace(/\/+$/, ''), volume });
  }

  private route(path: string): { map: Map<string, string>; key: string } | undefined {
    for (const m of this.mounts) if (path.startsWith(m.path + '/')) return { map: m.volume, key: path.slice(m.path.length + 1) };
    return undefined;
  }

  override get(path: string): string | undefined {
    const r = this.route(path);
    return r ? r.map.get(r.key) : super.get(path);
  }

  override set(path: string, content: string): this {
    const r = this.route(path);
    if (r) r.map.set(r.key, content);
    else super.set(path, content);
    return this;
  }

  override has(path: string): boolean {
    const r = this.route(path);
    return r ? r.map.has(r.key) : super.has(path);
  }

  override delete(path: string): boolean {
    const r = this.route(path);
    return r ? r.map.delete(r.key) : super.delete(path);
  }
}

const RUNTIME_VERSION = 'containerd://1.7.24';

export class SimulatedRuntime implements ContainerRuntime {
  readonly name: string = 'simulated';
  private readonly images = new Map<string, Set<string>>();
  private readonly pods = new Map<string, SimPod>();
  private readonly containers = new Map<string, SimContainer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => Date;
  private readonly maxLogBytes: number;
  private closed = false;

  constructor(private readonly opts: SimulatedRuntimeOptions) {
    this.now = opts.now ?? (() => new Date());
    this.maxLogBytes = opts.maxLogBytes ?? 1024 * 1024;
  }

  describe(): RuntimeDescription {
    return { containerRuntimeVersion: RUNTIME_VERSION, osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-kubelab-simulated' };
  }

  /** A delay of `ms` simulated milliseconds (scaled by timeScale). */
  private delay(ms: number): Promise<void> {
    const scaled = ms * this.opts.timeScale;
    return new Promise((resolve) => {
      if (scaled <= 0) return setImmediate(resolve);
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, scaled);
      this.timers.add(t);
    });
  }

  private jitter(min: number, max: number): number {
    return min + Math.random() * (max - min);
  }

  async imageStatus(image: string, node: string): Promise<ImageInfo | undefined> {
    const resolved = resolveImage(image);
    if (!resolved || !this.images.get(node)?.has(resolved.imageRef)) return undefined;
    return this.info(resolved);
  }

  private info(r: ResolvedImage): ImageInfo {
    return { imageRef: r.imageRef, imageID: r.imageID, size: r.image.size };
  }

  /** Marks images as already present on a node (kubeadm pre-pulls the control-plane images). */
  preload(images: string[], node: string): void {
    const cached = this.images.get(node) ?? new Set<string>();
    for (const image of images) {
      const resolved = resolveImage(image);
      if (resolved) cached.add(resolved.imageRef);
    }
    this.images.set(node, cached);
  }

  async pullImage(image: string, node: string): Promise<ImageInfo> {
    const cached = this.images.get(node);
    const resolved = resolveImage(image);
    const ref = parseImageReference(image);
    if (!ref) throw new ImagePullError(`rpc error: code = InvalidArgument desc = failed to pull and unpack image "${image}": invalid reference format`);
    if (!resolved) {
      await this.delay(this.jitter(150, 400));
      throw pullFailure(ref.normalized, ref.registry, resolveImage(`${ref.repository}:latest`) !== undefined || resolveImage(ref.repository) !== undefined);
    }
    // A registry round-trip even when the layers are cached (policy Always), a real download otherwise.
    const present = cached?.has(resolved.imageRef);
    await this.delay(present ? this.jitter(80, 200) : this.jitter(300, 800));
    if (!cached) this.images.set(node, new Set([resolved.imageRef]));
    else cached.add(resolved.imageRef);
    return this.info(resolved);
  }

  async startPod(spec: PodSandboxSpec): Promise<PodSandbox> {
    const existing = this.pods.get(spec.uid);
    if (existing) return { podIP: existing.podIP };
    await this.delay(this.jitter(50, 150));
    const podIP = spec.hostNetwork ? spec.hostIP : spec.podIP;
    this.pods.set(spec.uid, { spec, podIP, containers: new Set(), emptyDirs: new Map() });
    return { podIP };
  }

  async createContainer(podUID: string, config: ContainerConfig): Promise<string> {
    const pod = this.pods.get(podUID);
    if (!pod) throw new Error(`pod sandbox ${podUID} not found`);
    const image = resolveImage(config.image);
    if (!image) throw new ContainerStartError(`failed to create containerd container: image "${config.imageInfo.imageRef}": not found`, 'CreateContainerError');
    await this.delay(this.jitter(60, 140));
    const id = randomBytes(32).toString('hex');
    this.containers.set(id, this.newContainer(id, podUID, config, image));
    pod.containers.add(id);
    return id;
  }

  private containerFiles(podUID: string, config: ContainerConfig): Map<string, string> {
    const files = new ContainerFiles();
    const pod = this.pods.get(podUID);
    for (const m of config.mounts ?? []) {
      if (m.source.kind !== 'emptyDir' || !pod) continue;
      let volume = pod.emptyDirs.get(m.name);
      if (!volume) pod.emptyDirs.set(m.name, (volume = new Map()));
      files.mount(m.mountPath, volume);
    }
    return mountedFiles(config, files);
  }

  private newContainer(id: string, podUID: string, config: ContainerConfig, image: ResolvedImage): SimContainer {
    const entrypoint = config.command ?? image.image.entrypoint;
    const cmd = config.args ?? (config.command ? [] : image.image.cmd);
    const argv = [...entrypoint, ...cmd];
    return {
      id,
      podUID,
      config,
      image,
      argv,
      state: 'created',
      exitWaiters: [],
      output: [],
      outputBytes: 0,
      outputKnown: true,
      handlesTerm: traitsOf(argv, isServer).handlesTerm,
      serving: argv.length > 0 && isServer(base(argv[0])) && image.image.listens.length > 0,
      files: this.containerFiles(podUID, config),
      knownDirs: ['/tmp', ...(config.mounts ?? []).filter((m) => m.source.kind !== 'hostPath' && m.source.kind !== 'persistentVolumeClaim' && m.source.kind !== 'other').map((m) => m.mountPath)],
      pendingSleeps: new Set(),
      followers: new Set(),
      killed: false,
    };
  }

  async startContainer(containerID: string, startedAt?: Date): Promise<StartedContainer> {
    const c = this.container(containerID);
    if (c.state !== 'created') throw new ContainerStartError(`container ${containerID} is ${c.state}`, 'RunContainerError');
    if (c.argv.length === 0) throw new ContainerStartError('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: no command specified', 'RunContainerError');
    await this.delay(this.jitter(30, 80));
    c.state = 'running';
    c.startedAt = startedAt ?? this.now();
    void this.runMain(c);
    return { startedAt: c.startedAt };
  }

  private async runMain(c: SimContainer): Promise<void> {
    const pod = this.pods.get(c.podUID);
    const ctx: ProgramContext = {
      hostname: pod?.spec.hostname ?? 'localhost',
      env: Object.fromEntries(c.config.env.map((e) => [e.name, e.value])),
      stdin: c.config.stdin,
      tty: c.config.tty,
      files: c.files,
      knownDirs: c.knownDirs,
      write: (stream, text) => this.append(c, stream, text),
      sleep: (ms) => this.programSleep(c, ms),
      now: this.now,
    };
    try {
      const outcome = await runProgram(c.argv, ctx, isServer, helloWorldOutput(), (p) => oneShotPrograms.has(p));
      if (c.killed) return;
      if (outcome.kind === 'exit') {
        this.finish(c, outcome.code);
        return;
      }
      if (!outcome.outputKnown) {
        c.outputKnown = false;
        c.unknownWhy = outcome.why;
      }
      // Serving: runs until killed.
    } catch (err) {
      if (err instanceof Killed || c.killed) return;
      this.append(c, 'stderr', `simulated runtime error: ${(err as Error).message}\n`);
      this.finish(c, 1);
    }
  }

  private programSleep(c: SimContainer, ms: number): Promise<void> {
    if (c.killed || c.state === 'exited') return Promise.reject(new Killed());
    return new Promise((resolve, reject) => {
      const entry: { timer?: NodeJS.Timeout; reject: (e: Error) => void } = { reject };
      if (Number.isFinite(ms)) {
        entry.timer = setTimeout(() => {
          c.pendingSleeps.delete(entry);
          resolve();
        }, Math.min(ms, 2 ** 31 - 1));
      }
      c.pendingSleeps.add(entry);
    });
  }

  private append(c: SimContainer, stream: Stream, text: string): void {
    if (!text) return;
    const chunk = { time: this.now(), stream, text };
    c.output.push(chunk);
    c.outputBytes += text.length;
    if (c.outputBytes > this.maxLogBytes * 1.25) {
      // Rotate like the kubelet's log rotation, in batches (cheap for many tiny chunks).
      let drop = 0;
      while (c.outputBytes > this.maxLogBytes && drop < c.output.length - 1) c.outputBytes -= c.output[drop++].text.length;
      c.output.splice(0, drop);
    }
    for (const f of c.followers) f.write(text);
  }

  private finish(c: SimContainer, exitCode: number, signal?: number): void {
    if (c.state === 'exited') return;
    for (const s of c.pendingSleeps) {
      if (s.timer) clearTimeout(s.timer);
      s.reject(new Killed());
    }
    c.pendingSleeps.clear();
    if (c.killTimer) clearTimeout(c.killTimer);
    c.state = 'exited';
    c.exit = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      signal,
      startedAt: c.startedAt ?? this.now(),
      finishedAt: this.now(),
    };
    for (const f of c.followers) f.end();
    c.followers.clear();
    const waiters = c.exitWaiters.splice(0);
    for (const w of waiters) w(c.exit);
  }

  private container(id: string): SimContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} not found`);
    return c;
  }

  waitContainer(containerID: string): Promise<ContainerExit> {
    const c = this.container(containerID);
    if (c.exit) return Promise.resolve(c.exit);
    return new Promise((resolve) => c.exitWaiters.push(resolve));
  }

  async killContainer(containerID: string, gracePeriodSeconds: number): Promise<void> {
    const c = this.containers.get(containerID);
    if (!c || c.state === 'exited') return;
    if (c.state === 'created') {
      c.killed = true;
      this.finish(c, 0);
      return;
    }
    const exited = this.waitContainer(containerID);
    if (c.handlesTerm) {
      c.killed = true;
      this.finish(c, 0, 15);
    } else if (!c.killTimer) {
      // PID 1 without a TERM handler ignores SIGTERM: only the SIGKILL after the grace period ends it.
      const ms = Math.max(0, gracePeriodSeconds * 1000);
      const sigkill = () => {
        c.killed = true;
        this.finish(c, 137, 9);
      };
      if (ms === 0) sigkill();
      else c.killTimer = setTimeout(sigkill, ms);
    }
    await exited;
  }

  async removeContainer(containerID: string): Promise<void> {
    const c = this.containers.get(containerID);
    if (!c) return;
    if (c.state !== 'exited') await this.killContainer(containerID, 0);
    this.containers.delete(containerID);
    this.pods.get(c.podUID)?.containers.delete(containerID);
  }

  async stopPod(podUID: string): Promise<void> {
    const pod = this.pods.get(podUID);
    if (!pod) return;
    await Promise.all([...pod.containers].map((id) => this.killContainer(id, 0)));
  }

  async removePod(podUID: string): Promise<void> {
    const pod = this.pods.get(podUID);
    if (!pod) return;
    await this.stopPod(podUID);
    for (const id of pod.containers) this.containers.delete(id);
    this.pods.delete(podUID);
  }

  private podName(c: SimContainer): string {
    return this.pods.get(c.podUID)?.spec.name ?? c.podUID;
  }

  async logs(containerID: string, opts: RuntimeLogOptions): Promise<Readable> {
    const c = this.containers.get(containerID);
    if (!c) throw badRequest(`container ${containerID} not found`);
    if (!c.outputKnown) {
      throw badRequest(
        `container "${c.config.name}" in pod "${this.podName(c)}" runs on the simulated runtime, which cannot tell what \`${c.argv.join(' ')}\` prints (${c.unknownWhy ?? 'unmodelled program'}: not modelled); start a sandbox with the \`full\` profile to see real container logs`,
      );
    }
    let chunks = c.output;
    if (opts.since) chunks = chunks.filter((ch) => ch.time >= opts.since!);
    let lines: Array<{ time: Date; text: string }> = [];
    for (const ch of chunks) {
      const parts = ch.text.split(/(?<=\n)/);
      for (const p of parts) {
        const last = lines[lines.length - 1];
        if (last && !last.text.endsWith('\n')) last.text += p;
        else lines.push({ time: ch.time, text: p });
      }
    }
    if (opts.tailLines !== undefined) lines = opts.tailLines <= 0 ? [] : lines.slice(-opts.tailLines);
    const render = (l: { time: Date; text: string }) => (opts.timestamps ? `${rfc3339Nano(l.time)} ${l.text}` : l.text);
    let text = lines.map(render).join('');
    const out = new PassThrough();
    let remaining = opts.limitBytes ?? Infinity;
    const push = (s: string): boolean => {
      if (remaining <= 0) return false;
      const buf = Buffer.from(s);
      const slice = buf.length > remaining ? buf.subarray(0, remaining) : buf;
      remaining -= slice.length;
      out.write(slice);
      return remaining > 0;
    };
    if (text) push(text);
    text = '';
    if (opts.follow && c.state !== 'exited' && remaining > 0) {
      const follower = new PassThrough();
      follower.on('data', (d: Buffer) => {
        const s = d.toString();
        if (!push(opts.timestamps ? s.replace(/^(?=.)/gm, `${rfc3339Nano(this.now())} `) : s)) follower.end();
      });
      follower.on('end', () => {
        c.followers.delete(follower);
        out.end();
      });
      out.on('close', () => c.followers.delete(follower));
      c.followers.add(follower);
    } else out.end();
    return out;
  }

  async exec(containerID: string, opts: RuntimeExecOptions): Promise<ExecSession> {
    const c = this.containers.get(containerID);
    const pod = c ? this.podName(c) : 'unknown';
    const what = opts.command.length === 0 ? 'attach to' : 'exec into';
    throw badRequest(`pod ${pod} runs on the simulated runtime (no processes); start a sandbox with the \`full\` profile to ${what} real containers`);
  }

  async portForward(podUID: string, port: number): Promise<Duplex> {
    const name = this.pods.get(podUID)?.spec.name ?? podUID;
    throw badRequest(`pod ${name} runs on the simulated runtime (no processes listen on port ${port}); start a sandbox with the \`full\` profile to forward ports to real containers`);
  }

  async runProbe(containerID: string, probe: ProbeHandler, podIP: string, _timeoutSeconds: number): Promise<ProbeResult> {
    const c = this.containers.get(containerID);
    if (!c || c.state !== 'running') return { result: 'failure', output: 'container is not running' };
    if (probe.exec) {
      const argv = probe.exec.command ?? [];
      const pod = this.pods.get(c.podUID);
      const ctx: ProgramContext = {
        hostname: pod?.spec.hostname ?? 'localhost',
        env: Object.fromEntries(c.config.env.map((e) => [e.name, e.value])),
        stdin: false,
        tty: false,
        files: c.files,
        knownDirs: c.knownDirs,
        write: () => undefined,
        sleep: async () => undefined,
        now: this.now,
      };
      const r = await evaluateProbeCommand(argv, ctx);
      // A command outside the model: the simulated container is taken to be healthy.
      if (!r) return { result: 'success', output: '' };
      if (r.code === 0) return { result: 'success', output: r.output };
      return { result: 'failure', output: r.output || `command ${JSON.stringify(argv.join(' '))} exited with ${r.code}` };
    }
    const port = Number(probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port);
    const host = probe.httpGet?.host ?? probe.tcpSocket?.host ?? podIP;
    const listening = c.serving ? c.image.image.listens.includes(port) : !c.outputKnown;
    if (probe.httpGet) {
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      const path = probe.httpGet.path ?? '/';
      const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
      if (!listening) return { result: 'failure', output: `Get "${url}": dial tcp ${host}:${port}: connect: connection refused` };
      const paths = c.serving ? c.image.image.httpPaths : undefined;
      if (paths && !paths.includes(path.split('?')[0])) return { result: 'failure', output: 'HTTP probe failed with statuscode: 404' };
      return { result: 'success', output: '' };
    }
    if (!listening) return { result: 'failure', output: `dial tcp ${host}:${port}: connect: connection refused` };
    return { result: 'success', output: '' };
  }

  async adoptPod(spec: PodSandboxSpec, containers: Array<{ name: string; containerID: string; config: ContainerConfig; startedAt?: Date }>): Promise<Record<string, AdoptedContainer>> {
    const podIP = spec.hostNetwork ? spec.hostIP : spec.podIP;
    const pod = this.pods.get(spec.uid) ?? { spec, podIP, containers: new Set<string>(), emptyDirs: new Map<string, Map<string, string>>() };
    this.pods.set(spec.uid, pod);
    const adopted: Record<string, AdoptedContainer> = {};
    for (const entry of containers) {
      const image = resolveImage(entry.config.image);
      if (!image || !/^[0-9a-f]{64}$/.test(entry.containerID)) continue;
      const images = this.images.get(spec.nodeName) ?? new Set<string>();
      images.add(image.imageRef);
      this.images.set(spec.nodeName, images);
      const c = this.newContainer(entry.containerID, spec.uid, entry.config, image);
      this.containers.set(c.id, c);
      pod.containers.add(c.id);
      c.state = 'running';
      c.startedAt = entry.startedAt ?? this.now();
      void this.runMain(c);
      adopted[entry.name] = { id: c.id };
    }
    return adopted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.containers.values()) {
      c.killed = true;
      this.finish(c, 137, 9);
    }
    this.containers.clear();
    this.pods.clear();
  }
}

/** Files the container sees from ConfigMap / Secret / downward API volumes. */
function mountedFiles(config: ContainerConfig, files: Map<string, string>): Map<string, string> {
  for (const m of config.mounts ?? []) {
    if (!('files' in m.source)) continue;
    for (const [rel, content] of Object.entries(m.source.files)) {
      if (m.subPath) {
        if (rel === m.subPath) files.set(m.mountPath, content);
      } else files.set(posix.join(m.mountPath, rel), content);
    }
  }
  return files;
}

function isServer(program: string): boolean {
  return serverPrograms.has(program);
}

function pullFailure(normalized: string, registry: string, repositoryExists: boolean): ImagePullError {
  const prefix = `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}"`;
  // Docker Hub and registry.k8s.io are served by the sandbox's offline mirror: what it lacks is "not found"
  // (like a missing tag upstream), never "access denied" for repositories that do exist upstream.
  if (repositoryExists || registry === 'docker.io' || registry === 'registry.k8s.io') return new ImagePullError(`rpc error: code = NotFound desc = ${prefix}: ${normalized}: not found`, 'NotFound');
  const host = registry.replace(/:\d+$/, '');
  const port = /:(\d+)$/.exec(registry)?.[1] ?? '443';
  const path = normalized.slice(registry.length + 1).replace(/[:@][^/]*$/, '');
  const reference = /[:@]([^/]*)$/.exec(normalized)?.[1] ?? 'latest';
  const url = `https://${registry}/v2/${path}/manifests/${reference}`;
  // No registry is reachable from a simulated node: addresses refuse, names do not resolve.
  if (host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    const ip = host === 'localhost' ? '127.0.0.1' : host;
    return new ImagePullError(`rpc error: code = Unavailable desc = ${prefix}: failed to do request: Head "${url}": dial tcp ${ip}:${port}: connect: connection refused`, 'Unavailable');
  }
  return new ImagePullError(`rpc error: code = Unavailable desc = ${prefix}: failed to do request: Head "${url}": dial tcp: lookup ${host}: no such host`, 'Unavailable');
}

/** `2026-11-23T03:44:52.123456789Z` like the kubelet's log timestamps. */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function createSimulatedRuntime(opts: SimulatedRuntimeOptions): SimulatedRuntime {
  return new SimulatedRuntime(opts);
}

