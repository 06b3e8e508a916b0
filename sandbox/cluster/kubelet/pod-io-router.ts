// PodIO for the API server: finds the pod, the kubelet of its node and the container the request
// means (with the API server's and kubelet's error wording), then asks that pod's runtime.
import type { Duplex, Readable } from 'node:stream';
import { REF } from '../api/registry';
import { badRequest, notFound } from '../api/errors';
import type { ClusterContext } from '../context';
import type { KubeObject } from '../store/types';
import type { ExecOptions, ExecSession, LogOptions, PodIO } from './pod-io';
import type { ContainerRuntime } from './runtime';

interface ContainerStatusView {
  name: string;
  containerID?: string;
  state?: { running?: unknown; terminated?: { containerID?: string }; waiting?: { reason?: string } };
  lastState?: { terminated?: { containerID?: string } };
}

function stripScheme(id: string): string {
  return id.replace(/^[a-z0-9.+-]+:\/\//, '');
}

export class PodIORouter implements PodIO {
  constructor(
    private readonly ctx: ClusterContext,
    private readonly runtimeFor: (pod: KubeObject) => ContainerRuntime,
  ) {}

  private pod(namespace: string, name: string): KubeObject {
    const pod = this.ctx.store.get(REF.pods, namespace, name);
    if (!pod) throw notFound('', 'pods', name);
    return pod;
  }

  /** Which container a request means: explicit, the default-container annotation, or the only one. */
  private containerName(pod: KubeObject, requested: string | undefined): string {
    const spec = pod.spec as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
    const names = (spec.containers ?? []).map((c) => c.name);
    const inits = (spec.initContainers ?? []).map((c) => c.name);
    const name = pod.metadata.name!;
    if (requested) {
      if (![...names, ...inits, ...(spec.ephemeralContainers ?? []).map((c) => c.name)].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
      return requested;
    }
    const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (annotated && names.includes(annotated)) return annotated;
    if (names.length === 1) return names[0];
    const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${initPart}`);
  }

  private status(pod: KubeObject, container: string): ContainerStatusView | undefined {
    const st = (pod.status ?? {}) as { containerStatuses?: ContainerStatusView[]; initContainerStatuses?: ContainerStatusView[] };
    return [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? [])].find((s) => s.name === container);
  }

  /** The kubelet's validateContainerLogStatus: which container ID serves the logs. */
  private logContainerID(pod: KubeObject, container: string, previous: boolean): string {
    const name = pod.metadata.name!;
    const cs = this.status(pod, container);
    if (!cs) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    const last = cs.lastState?.terminated;
    if (previous) {
      if (!last?.containerID) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
      return stripScheme(last.containerID);
    }
    const state = cs.state ?? {};
    if (state.running && cs.containerID) return stripScheme(cs.containerID);
    if (state.terminated) {
      const id = state.terminated.containerID ?? last?.containerID;
      if (!id) throw badRequest(`container "${container}" in pod "${name}" is terminated`);
      return stripScheme(id);
    }
    if (last?.containerID) return stripScheme(last.containerID);
    const reason = state.waiting?.reason ?? 'ContainerCreating';
    if (reason === 'ErrImagePull') throw badRequest(`container "${container}" in pod "${name}" is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw badRequest(`container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`);
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }

  async logs(namespace: string, name: string, opts: LogOptions): Promise<Readable> {
    const pod = this.pod(namespace, name);
    const container = this.containerName(pod, opts.container);
    const id = this.logContainerID(pod, container, opts.previous === true);
    const since = opts.sinceSeconds !== undefined ? new Date(this.ctx.now().getTime() - opts.sinceSeconds * 1000) : undefined;
    return this.runtimeFor(pod).logs(id, { follow: opts.follow === true, tailLines: opts.tailLines, since, timestamps: opts.timestamps === true, limitBytes: opts.limitBytes });
  }

  async exec(namespace: string, name: string, opts: ExecOptions): Promise<ExecSession> {
    const pod = this.pod(namespace, name);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    const container = this.containerName(pod, opts.container);
    const cs = this.status(pod, container);
    if (!cs?.state?.running || !cs.containerID) throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
    return this.runtimeFor(pod).exec(stripScheme(cs.containerID), { command: opts.command, tty: opts.tty, stdin: opts.stdin });
  }

  async portForward(namespace: string, name: string, port: number): Promise<Duplex> {
    const pod = this.pod(namespace, name);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase !== 'Running') throw badRequest(`unable to upgrade connection: pod ${name} is not running (phase ${phase ?? 'Pending'})`);
    return this.runtimeFor(pod).portForward(pod.metadata.uid!, port);
  }
}
