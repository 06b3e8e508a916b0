// The Docker runtime: learner pods as real containers on the sandbox's own Docker daemon.
// Pause-less pods: a tiny "holder" container (sleep, from an image imported at sandbox start) owns
// each pod's network namespace, IP (from the kubelet's IPAM, on a pod network covering every node's
// podCIDR) and hostname; the pod's containers join it, so they share localhost and survive each
// other's restarts. Probes, exec, logs and port-forward talk to the real processes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, type Duplex, type Readable, type Writable } from 'node:stream';
import Docker from 'dockerode';
import { badRequest } from '../../../api/errors';
import type { ExecSession } from '../../pod-io';
import {
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
  type VolumeMount,
} from '../../runtime';
import { inspectImage, pullImage } from './images';

export const HOLDER_IMAGE = 'kubelab/pod-holder:latest';
const POD_NETWORK = 'kubelab-pods';
const POD_LABEL = 'io.kubelab.pod';

export interface DockerRuntimeOptions {
  docker?: Docker;
  /** Where emptyDir/configMap/secret/PVC data of pods live. */
  dataDir: string;
  /** Registry mirror host:port, asked first so that missing tags fail fast and precisely. */
  mirror?: string;
  /** Pod network (must contain every node's podCIDR). */
  podSubnet?: string;
}

export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  private readonly docker: Docker;
  private readonly waits = new Map<string, Promise<ContainerExit>>();
  private readonly podIPs = new Map<string, string>();
  private version = '20.10.24';
  private network?: Promise<void>;

  constructor(private readonly opts: DockerRuntimeOptions) {
    this.docker = opts.docker ?? new Docker();
    void this.docker.version().then((v) => (this.version = v.Version.replace(/\+.*/, ''))).catch(() => undefined);
  }

  describe(): RuntimeDescription {
    return { containerRuntimeVersion: `docker://${this.version}`, osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: require('node:os').release() };
  }

  imageStatus(image: string): Promise<ImageInfo | undefined> {
    return inspectImage(this.docker, image);
  }

  pullImage(image: string): Promise<ImageInfo> {
    return pullImage(this.docker, image, this.opts.mirror);
  }

  private ensureNetwork(): Promise<void> {
    this.network ??= (async () => {
      try {
        await this.docker.getNetwork(POD_NETWORK).inspect();
      } catch {
        const subnet = this.opts.podSubnet ?? '172.16.0.0/16';
        await this.docker.createNetwork({ Name: POD_NETWORK, Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] }, Options: { 'com.docker.network.bridge.name': 'kl-pods' } }).catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 409) throw err;
        });
      }
    })();
    this.network.catch(() => (this.network = undefined));
    return this.network;
  }

  private holderName(uid: string): string {
    return `k8s_POD_${uid}`;
  }

  private podDir(uid: string): string {
    return path.join(this.opts.dataDir, 'pods', uid);
  }

  async startPod(spec: PodSandboxSpec): Promise<PodSandbox> {
    const name = this.holderName(spec.uid);
    const existing = await this.docker.getContainer(name).inspect().catch(() => undefined);
    if (existing?.State.Running) {
      const ip = spec.hostNetwork ? spec.hostIP : existing.NetworkSettings.Networks[POD_NETWORK]?.IPAddress ?? spec.podIP;
      this.podIPs.set(spec.uid, ip);
      return { podIP: ip };
    }
    if (existing) await this.docker.getContainer(name).remove({ force: true });
    if (!spec.hostNetwork) await this.ensureNetwork();
    const holder = await this.docker.createContainer({
      name,
      Image: HOLDER_IMAGE,
      Hostname: spec.hostNetwork ? undefined : spec.hostname.slice(0, 63),
      Labels: { [POD_LABEL]: spec.uid, 'io.kubelab.role': 'holder', 'io.kubernetes.pod.name': spec.name, 'io.kubernetes.pod.namespace': spec.namespace },
      HostConfig: {
        NetworkMode: spec.hostNetwork ? 'host' : POD_NETWORK,
        Dns: spec.hostNetwork ? undefined : spec.dns.nameservers,
        DnsSearch: spec.hostNetwork ? undefined : spec.dns.searches,
        DnsOptions: spec.hostNetwork ? undefined : spec.dns.options,
        RestartPolicy: { Name: 'no' },
      },
      NetworkingConfig: spec.hostNetwork ? undefined : { EndpointsConfig: { [POD_NETWORK]: { IPAMConfig: { IPv4Address: spec.podIP } } } },
    });
    await holder.start();
    const ip = spec.hostNetwork ? spec.hostIP : (await holder.inspect()).NetworkSettings.Networks[POD_NETWORK]?.IPAddress ?? spec.podIP;
    this.podIPs.set(spec.uid, ip);
    mkdirSync(this.podDir(spec.uid), { recursive: true });
    return { podIP: ip };
  }

  private bind(podUID: string, m: VolumeMount): string | undefined {
    const s = m.source;
    let source: string;
    if (s.kind === 'hostPath') source = s.path;
    else if (s.kind === 'persistentVolumeClaim') source = path.join(this.opts.dataDir, 'claims', s.claimName);
    else if (s.kind === 'emptyDir') source = path.join(this.podDir(podUID), 'volumes', m.name);
    else if (s.kind === 'configMap' || s.kind === 'secret' || s.kind === 'downwardAPI') {
      source = path.join(this.podDir(podUID), 'volumes', m.name);
      rmSync(source, { recursive: true, force: true });
      for (const [file, content] of Object.entries(s.files)) {
        mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
        writeFileSync(path.join(source, file), content);
      }
    } else return undefined;
    if (m.subPath) source = path.join(source, m.subPath);
    mkdirSync(source, { recursive: true });
    return `${source}:${m.mountPath}${m.readOnly || s.kind === 'configMap' || s.kind === 'secret' ? ':ro' : ''}`;
  }

  async createContainer(podUID: string, config: ContainerConfig): Promise<string> {
    const holder = await this.docker.getContainer(this.holderName(podUID)).inspect().catch(() => undefined);
    if (!holder?.State.Running) throw new ContainerStartError(`pod sandbox for ${podUID} is not running`, 'CreateContainerError');
    const binds = config.mounts.map((m) => this.bind(podUID, m)).filter((b): b is string => b !== undefined);
    try {
      const c = await this.docker.createContainer({
        name: `k8s_${config.name}_${podUID}_${config.restartCount}_${Date.now().toString(36)}`,
        Image: config.imageInfo.imageRef,
        Entrypoint: config.command,
        Cmd: config.args ?? (config.command ? [] : undefined),
        WorkingDir: config.workingDir,
        Env: config.env.map((e) => `${e.name}=${e.value}`),
        Tty: config.tty,
        OpenStdin: config.stdin,
        StdinOnce: false,
        AttachStdin: false,
        Labels: { [POD_LABEL]: podUID, 'io.kubelab.role': 'container', 'io.kubernetes.container.name': config.name },
        HostConfig: { NetworkMode: `container:${holder.Id}`, Binds: binds, RestartPolicy: { Name: 'no' } },
      });
      return c.id;
    } catch (err) {
      throw new ContainerStartError(`Error: ${err instanceof Error ? err.message.replace(/^\(HTTP code \d+\)[^-]*- /, '') : String(err)}`, 'CreateContainerError');
    }
  }

  async startContainer(containerID: string): Promise<StartedContainer> {
    const c = this.docker.getContainer(containerID);
    try {
      await c.start();
    } catch (err) {
      const message = err instanceof Error ? err.message.replace(/^\(HTTP code \d+\)[^-]*- /, '').trim() : String(err);
      throw new ContainerStartError(message, 'RunContainerError');
    }
    const info = await c.inspect();
    return { startedAt: new Date(info.State.StartedAt) };
  }

  waitContainer(containerID: string): Promise<ContainerExit> {
    let wait = this.waits.get(containerID);
    if (!wait) {
      const c = this.docker.getContainer(containerID);
      wait = (async () => {
        await c.wait().catch(() => undefined);
        return exitOf(await c.inspect().catch(() => undefined));
      })();
      this.waits.set(containerID, wait);
    }
    return wait;
  }

  async killContainer(containerID: string, gracePeriodSeconds: number): Promise<void> {
    const c = this.docker.getContainer(containerID);
    const info = await c.inspect().catch(() => undefined);
    if (!info?.State.Running) return;
    await c.stop({ t: Math.max(0, Math.ceil(gracePeriodSeconds)) }).catch(() => undefined);
  }

  async removeContainer(containerID: string): Promise<void> {
    await this.docker.getContainer(containerID).remove({ force: true }).catch(() => undefined);
    this.waits.delete(containerID);
  }

  private async podContainers(uid: string): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [`${POD_LABEL}=${uid}`] } });
  }

  async stopPod(podUID: string): Promise<void> {
    for (const c of await this.podContainers(podUID)) {
      if (c.State === 'running' && c.Labels['io.kubelab.role'] === 'container') await this.docker.getContainer(c.Id).kill().catch(() => undefined);
    }
    await this.docker.getContainer(this.holderName(podUID)).remove({ force: true }).catch(() => undefined);
  }

  async removePod(podUID: string): Promise<void> {
    for (const c of await this.podContainers(podUID)) {
      await this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      this.waits.delete(c.Id);
    }
    this.podIPs.delete(podUID);
    rmSync(this.podDir(podUID), { recursive: true, force: true });
  }

  async logs(containerID: string, opts: RuntimeLogOptions): Promise<Readable> {
    const c = this.docker.getContainer(containerID);
    const info = await c.inspect().catch(() => undefined);
    if (!info) throw badRequest(`container ${containerID} is gone`);
    const base = { stdout: true, stderr: true, timestamps: opts.timestamps, tail: opts.tailLines ?? ('all' as unknown as number), since: opts.since ? Math.floor(opts.since.getTime() / 1000) : 0 };
    const out = new PassThrough();
    if (opts.follow) {
      const stream = (await c.logs({ ...base, follow: true })) as unknown as NodeJS.ReadableStream;
      if (info.Config.Tty) stream.pipe(out);
      else {
        this.docker.modem.demuxStream(stream, out, out);
        stream.on('end', () => out.end());
      }
    } else {
      const buf = (await c.logs({ ...base, follow: false })) as unknown as Buffer;
      out.end(info.Config.Tty ? buf : demuxBuffer(buf));
    }
    return out;
  }

  async exec(containerID: string, opts: RuntimeExecOptions): Promise<ExecSession> {
    const c = this.docker.getContainer(containerID);
    const info = await c.inspect().catch(() => undefined);
    if (!info?.State.Running) throw badRequest(`container ${info?.Config.Labels['io.kubernetes.container.name'] ?? containerID} is not running`);
    const stdout = new PassThrough();
    const stderr = opts.tty ? undefined : new PassThrough();
    if (opts.command.length === 0) {
      const stream = (await c.attach({ stream: true, stdin: opts.stdin, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream;
      if (info.Config.Tty) stream.pipe(stdout);
      else this.docker.modem.demuxStream(stream, stdout, stderr ?? stdout);
      const exit = this.waitContainer(containerID).then((e) => {
        stdout.end();
        stderr?.end();
        return { exitCode: e.exitCode };
      });
      return { stdin: opts.stdin ? (stream as unknown as Writable) : undefined, stdout, stderr, resize: (w, h) => void c.resize({ w, h }).catch(() => undefined), exit };
    }
    const exec = await c.exec({ Cmd: opts.command, AttachStdin: opts.stdin, AttachStdout: true, AttachStderr: true, Tty: opts.tty });
    let stream: NodeJS.ReadWriteStream;
    try {
      stream = (await exec.start({ hijack: true, stdin: opts.stdin, Tty: opts.tty })) as NodeJS.ReadWriteStream;
    } catch (err) {
      throw badRequest(err instanceof Error ? err.message : String(err));
    }
    if (opts.tty) stream.pipe(stdout);
    else this.docker.modem.demuxStream(stream, stdout, stderr!);
    const exit = new Promise<{ exitCode: number; message?: string }>((resolve) => {
      let done = false;
      const finish = async () => {
        if (done) return;
        done = true;
        let code = 0;
        for (let i = 0; i < 20; i++) {
          const r = (await exec.inspect().catch(() => ({ Running: false, ExitCode: 1 }))) as { Running: boolean; ExitCode: number | null };
          if (!r.Running) {
            code = r.ExitCode ?? 0;
            break;
          }
          await new Promise((t) => setTimeout(t, 50));
        }
        stdout.end();
        stderr?.end();
        // Docker answers 126/127 for a missing executable; kubectl shows the OCI error like containerd.
        resolve(code === 126 || code === 127 ? { exitCode: code, message: `command terminated with exit code ${code}` } : { exitCode: code });
      };
      stream.on('end', () => void finish());
      stream.on('close', () => void finish());
      stream.on('error', () => void finish());
    });
    return {
      stdin: opts.stdin ? (stream as unknown as Writable) : undefined,
      stdout,
      stderr,
      resize: (w, h) => void exec.resize({ w, h }).catch(() => undefined),
      exit,
    };
  }

  async portForward(podUID: string, port: number): Promise<Duplex> {
    const ip = this.podIPs.get(podUID);
    if (!ip) throw badRequest(`pod ${podUID} has no network namespace on this node`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: ip, port });
      socket.once('connect', () => resolve(socket));
      socket.once('error', (err) => reject(badRequest(`error forwarding port ${port} to pod ${podUID}: ${err.message}`)));
    });
  }

  async runProbe(containerID: string, probe: ProbeHandler, podIP: string, timeoutSeconds: number): Promise<ProbeResult> {
    const timeoutMs = Math.max(1, timeoutSeconds) * 1000;
    if (probe.exec) {
      const session = await this.exec(containerID, { command: probe.exec.command ?? [], tty: false, stdin: false }).catch((err: Error) => err);
      if (session instanceof Error) return { result: 'failure', output: session.message };
      let output = '';
      session.stdout.on('data', (d: Buffer) => (output += d.toString()));
      session.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
      const r = await Promise.race([session.exit, timer]);
      if (r === 'timeout') return { result: 'failure', output: `command timed out after ${timeoutSeconds}s` };
      return r.exitCode === 0 ? { result: 'success', output } : { result: 'failure', output: output || `command terminated with exit code ${r.exitCode}` };
    }
    if (probe.httpGet) {
      const host = probe.httpGet.host || podIP;
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      const url = `${scheme}://${host}:${probe.httpGet.port}${probe.httpGet.path ?? '/'}`;
      try {
        const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
        const res = await fetch(url, { headers: { 'User-Agent': 'kube-probe/1.35', ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        await res.arrayBuffer().catch(() => undefined);
        return res.status >= 200 && res.status < 400 ? { result: 'success', output: '' } : { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return { result: 'failure', output: `Get "${url}": ${cause === 'ECONNREFUSED' ? `dial tcp ${host}:${probe.httpGet.port}: connect: connection refused` : 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'}` };
      }
    }
    if (probe.tcpSocket) {
      const host = probe.tcpSocket.host || podIP;
      const port = Number(probe.tcpSocket.port);
      return new Promise((resolve) => {
        const socket = net.connect({ host, port, timeout: timeoutMs });
        socket.once('connect', () => (socket.destroy(), resolve({ result: 'success', output: '' })));
        socket.once('timeout', () => (socket.destroy(), resolve({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` })));
        socket.once('error', () => resolve({ result: 'failure', output: `dial tcp ${host}:${port}: connect: connection refused` }));
      });
    }
    return { result: 'failure', output: 'grpc probes are not supported by this runtime' };
  }

  /**
   * Called before `startPod`. After a restart of dockerd every container is stopped, the holder too;
   * `startPod` will then replace the holder, so a pod container still running without a running
   * holder, or joined to another holder than the current one, would be unreachable at the pod IP:
   * it is killed and reported as exited like the rest.
   */
  async adoptPod(spec: PodSandboxSpec, containers: Array<{ name: string; containerID: string }>): Promise<Record<string, AdoptedContainer>> {
    const holder = await this.docker.getContainer(this.holderName(spec.uid)).inspect().catch(() => undefined);
    const holderRunning = holder?.State.Running === true;
    if (holderRunning) this.podIPs.set(spec.uid, spec.hostNetwork ? spec.hostIP : holder!.NetworkSettings.Networks[POD_NETWORK]?.IPAddress ?? spec.podIP);
    const found: Record<string, AdoptedContainer> = {};
    for (const c of containers) {
      const id = c.containerID.replace(/^[a-z]+:\/\//, '');
      const container = this.docker.getContainer(id);
      let info = await container.inspect().catch(() => undefined);
      if (!info) continue;
      if (info.State.Running && (!holderRunning || info.HostConfig.NetworkMode !== `container:${holder!.Id}`)) {
        await container.kill().catch(() => undefined);
        await container.wait().catch(() => undefined);
        info = (await container.inspect().catch(() => undefined)) ?? info;
      }
      found[c.name] = info.State.Running ? { id: info.Id } : { id: info.Id, exit: exitOf(info) };
    }
    return found;
  }

  async close(): Promise<void> {
    this.waits.clear();
  }
}

/** How a container ended, from `docker inspect` (undefined: it is gone, as if killed). */
function exitOf(info: Docker.ContainerInspectInfo | undefined): ContainerExit {
  const exitCode = info?.State.ExitCode ?? 137;
  const oom = info?.State.OOMKilled === true;
  return {
    exitCode,
    reason: oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
    // 129…192 is death by a signal; 255 (e.g. a container cut off by a restart of dockerd) is not.
    signal: exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : undefined,
    startedAt: new Date(info?.State.StartedAt ?? Date.now()),
    finishedAt: new Date(info?.State.FinishedAt && !info.State.FinishedAt.startsWith('0001') ? info.State.FinishedAt : Date.now()),
  };
}

/** Splits Docker's multiplexed log frames (8-byte headers) into one byte stream. */
function demuxBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(parts);
}
