// The pluggable container runtime behind every kubelet: the mini-cluster's CRI.
//
// Shape: pod-centric and pause-less. A pod gets one "sandbox" (network namespace + IP) shared by
// all of its containers; containers are created and started inside it one by one, like CRI's
// RunPodSandbox / CreateContainer / StartContainer. The kubelet owns all Kubernetes logic (restart
// policy, back-off, probes' periods and thresholds, status, events); a runtime only runs things
// and reports facts. One runtime instance serves every node of the cluster; calls carry the node.
//
// Implementations: `runtimes/simulated` (no processes; a catalog of images and a tiny model of
// what their programs do) and `runtimes/docker` (real containers).
//
// Error contract: every method may throw. `pullImage` throws `ImagePullError` for pulls that
// fail the way a registry fails (unknown repository/tag); `createContainer`/`startContainer`
// throw `ContainerStartError` for per-container failures the kubelet reports as
// CreateContainerError / RunContainerError; `logs`/`exec`/`portForward` throw a `StatusError`
// (../api/errors.ts) that the API server returns verbatim (e.g. 400 for "not supported here").
// Anything else is treated as a runtime failure and retried with back-off.
import type { Duplex, Readable } from 'node:stream';
import type { KubeObject } from '../store/types';
import type { ExecSession } from './pod-io';

/** What the node reports in `status.nodeInfo`. */
export interface RuntimeDescription {
  /** `<runtime>://<version>`, e.g. `containerd://1.7.24` (shown by `kubectl get nodes -o wide`). */
  containerRuntimeVersion: string;
  osImage: string;
  kernelVersion: string;
}

/** A pod as the runtime sees it. `pod` is the full API object (read-only) for anything else. */
export interface PodSandboxSpec {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  /** Node's InternalIP (used as the pod IP when hostNetwork is true). */
  hostIP: string;
  /** IP the kubelet allocated from the node's podCIDR; the runtime should use it (it may return another). */
  podIP: string;
  hostNetwork: boolean;
  /** Pod hostname as seen inside (spec.hostname or the pod name). */
  hostname: string;
  /** resolv.conf for the pod, computed by the kubelet from dnsPolicy/dnsConfig (ClusterFirst → kube-dns). */
  dns: { nameservers: string[]; searches: string[]; options: string[] };
  pod: KubeObject;
}

export interface PodSandbox {
  /** The IP actually assigned (normally the requested one). */
  podIP: string;
}

/** Result of resolving or pulling an image on a node. */
export interface ImageInfo {
  /** Fully qualified reference as containerd reports it: `docker.io/library/nginx:latest`. */
  imageRef: string;
  /** Digest reference: `docker.io/library/nginx@sha256:<64 hex>` (goes to containerStatuses[].imageID). */
  imageID: string;
  /** Bytes, for the `Pulled` event ("Image size: N bytes."). */
  size: number;
}

/**
 * Thrown by `pullImage`. `message` mirrors containerd as surfaced by kubelet, e.g.
 * `rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.17.23": failed to resolve reference "docker.io/library/nginx:1.17.23": docker.io/library/nginx:1.17.23: not found`.
 * The kubelet wraps it as `Failed to pull image "<as written>": <message>`.
 */
export class ImagePullError extends Error {
  constructor(
    message: string,
    /** `NotFound` (no such repository/tag), `Unauthorized`, `Unavailable` (registry unreachable). */
    readonly code: 'NotFound' | 'Unauthorized' | 'Unavailable' = 'NotFound',
  ) {
    super(message);
    this.name = 'ImagePullError';
  }
}

/**
 * Thrown by `createContainer` / `startContainer` for a container-level failure (bad command,
 * missing executable). `reason` becomes the waiting reason: `CreateContainerError` or
 * `RunContainerError` (kubelet prefixes nothing; message is shown as-is).
 */
export class ContainerStartError extends Error {
  constructor(
    message: string,
    readonly reason: 'CreateContainerError' | 'RunContainerError' | 'CreateContainerConfigError' = 'RunContainerError',
  ) {
    super(message);
    this.name = 'ContainerStartError';
  }
}

/** A volume mounted into a container, with its source resolved by the kubelet. */
export interface VolumeMount {
  /** Volume name from the pod spec. */
  name: string;
  mountPath: string;
  readOnly: boolean;
  subPath?: string;
  source:
    | { kind: 'configMap' | 'secret' | 'downwardAPI'; /** relative path → content (already decoded) */ files: Record<string, string> }
    | { kind: 'emptyDir'; medium?: string }
    | { kind: 'hostPath'; path: string }
    | { kind: 'persistentVolumeClaim'; claimName: string }
    | { kind: 'other' };
}

/** The container spec the runtime needs, resolved by the kubelet (env values and image already resolved). */
export interface ContainerConfig {
  /** Container name from the pod spec. */
  name: string;
  /** The image reference as written in the pod spec (`nginx`, `nginx:1.16.0`). */
  image: string;
  /** The resolved image from `pullImage` / `imageStatus`. */
  imageInfo: ImageInfo;
  /** `command` from the spec (replaces ENTRYPOINT) — undefined means the image default. */
  command?: string[];
  /** `args` from the spec (replaces CMD). */
  args?: string[];
  workingDir?: string;
  /** Resolved environment (literal values; valueFrom already resolved by the kubelet where possible). */
  env: Array<{ name: string; value: string }>;
  ports: Array<{ containerPort: number; protocol: string; name?: string }>;
  /** Volume mounts with resolved sources (emptyDir volumes are shared by the pod's containers). */
  mounts: VolumeMount[];
  stdin: boolean;
  tty: boolean;
  /** True for init containers (they must run to completion). */
  init: boolean;
  /** How many times this container has been restarted before (0 for the first start). */
  restartCount: number;
  /** The full container object from the pod spec, for anything else (resources, securityContext…). */
  spec: Record<string, unknown>;
}

export interface StartedContainer {
  startedAt: Date;
}

/** How a container ended. */
export interface ContainerExit {
  exitCode: number;
  /** `Completed` (exit 0), `Error` (non-zero), `OOMKilled`, or `ContainerCannotRun`/`StartError`. */
  reason: string;
  /** Optional message (containerStatuses[].state.terminated.message). */
  message?: string;
  /** Signal number when killed by a signal (exitCode is 128+signal then). */
  signal?: number;
  startedAt: Date;
  finishedAt: Date;
}

export interface RuntimeLogOptions {
  follow: boolean;
  tailLines?: number;
  /** Only lines at or after this time. */
  since?: Date;
  /** Prefix each line with an RFC3339Nano timestamp and a space (like `kubectl logs --timestamps`). */
  timestamps: boolean;
  limitBytes?: number;
}

export interface RuntimeExecOptions {
  /** Empty = attach to the container's main process (`kubectl attach`, `kubectl run -it`). */
  command: string[];
  tty: boolean;
  stdin: boolean;
}

/** A probe handler from the pod spec (exactly one of the three). */
export interface ProbeHandler {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number; service?: string };
}

/** A container found again by `adoptPod`: still running (no `exit`), or how it ended. */
export interface AdoptedContainer {
  id: string;
  exit?: ContainerExit;
}

export interface ProbeResult {
  result: 'success' | 'failure';
  /** Shown in the `Unhealthy` event: `Liveness probe failed: <output>`. */
  output: string;
}

export interface ContainerRuntime {
  /** Short name: `simulated`, `docker`. */
  readonly name: string;

  /** Facts for `node.status.nodeInfo`. */
  describe(): RuntimeDescription;

  /** The image if it is already present on `node`, else undefined. `image` is as written in the pod spec. */
  imageStatus(image: string, node: string): Promise<ImageInfo | undefined>;

  /** Pulls `image` onto `node`. Throws `ImagePullError` when the registry does not have it. */
  pullImage(image: string, node: string): Promise<ImageInfo>;

  /** Creates the pod's network namespace with `spec.podIP` (or the host network). Idempotent per uid. */
  startPod(spec: PodSandboxSpec): Promise<PodSandbox>;

  /**
   * Creates a container in the pod's sandbox (not started). Returns a runtime-unique container ID
   * (64 lowercase hex characters; the kubelet reports it as `<runtime-scheme>://<id>`).
   */
  createContainer(podUID: string, config: ContainerConfig): Promise<string>;

  /** Starts a created container. Throws `ContainerStartError` if it cannot run at all. */
  startContainer(containerID: string): Promise<StartedContainer>;

  /**
   * Resolves once, when the container's main process ends (by itself or because it was killed).
   * May be called any number of times; a container that already exited resolves immediately.
   */
  waitContainer(containerID: string): Promise<ContainerExit>;

  /**
   * Stops a running container: the image's stop signal (SIGTERM by default), then SIGKILL after
   * `gracePeriodSeconds` (already scaled by the kubelet). Resolves when it has exited. No-op if
   * it is not running.
   */
  killContainer(containerID: string, gracePeriodSeconds: number): Promise<void>;

  /** Forgets an exited container (its logs go with it). */
  removeContainer(containerID: string): Promise<void>;

  /**
   * Kills anything still running in the pod (grace 0) and releases its network namespace.
   * Exited containers stay (a completed pod still serves `kubectl logs`). Idempotent.
   */
  stopPod(podUID: string): Promise<void>;

  /** Forgets the pod entirely: stops it if needed and removes all its containers and logs. Idempotent. */
  removePod(podUID: string): Promise<void>;

  /**
   * The container's output. Throws a StatusError (400) when this runtime cannot honestly provide it.
   * With `follow`, the stream stays open until the container exits.
   */
  logs(containerID: string, opts: RuntimeLogOptions): Promise<Readable>;

  /** Runs a command in a running container. Throws a StatusError (400) when unsupported. */
  exec(containerID: string, opts: RuntimeExecOptions): Promise<ExecSession>;

  /** A byte stream to `port` inside the pod's network namespace. Throws a StatusError (400) when unsupported. */
  portForward(podUID: string, port: number): Promise<Duplex>;

  /**
   * Runs one probe attempt against a running container (the kubelet handles period, timeout,
   * thresholds and initial delay). `podIP` is where httpGet/tcpSocket go when no host is given.
   * Also runs postStart/preStop lifecycle hooks (exec / httpGet handlers, one attempt each).
   * Named ports are already resolved to numbers.
   */
  runProbe(containerID: string, probe: ProbeHandler, podIP: string, timeoutSeconds: number): Promise<ProbeResult>;

  /**
   * After a restart of the cluster process (or of the node's runtime): re-attach to the containers
   * of a pod that the store says were running (`pod.status.containerStatuses[].containerID`).
   * Called once per pod, before `startPod` (which then re-creates the sandbox if it is gone).
   * Returns what the runtime still has, keyed by container name: the ID, and `exit` when the
   * container is no longer running (it ended while the kubelet was away, or its sandbox is not
   * running any more and `startPod` will replace it — the runtime kills such containers first).
   * Containers it lost are left out. The kubelet restarts exited and lost containers per the
   * restart policy. Optional: a runtime without it loses everything on restart.
   */
  adoptPod?(spec: PodSandboxSpec, containers: Array<{ name: string; containerID: string; config: ContainerConfig; startedAt?: Date }>): Promise<Record<string, AdoptedContainer>>;

  /** Releases everything (timers, connections). */
  close(): Promise<void>;
}

/** The URI scheme the kubelet puts in front of container IDs (`containerd://…`). */
export function containerIDScheme(runtime: ContainerRuntime): string {
  const version = runtime.describe().containerRuntimeVersion;
  const i = version.indexOf('://');
  return i > 0 ? version.slice(0, i) : runtime.name;
}
