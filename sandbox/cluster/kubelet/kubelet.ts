// One kubelet: owns a node. Registers it, and runs a PodWorker for every pod bound to it.
import type { ClusterContext, NodeSpecInput } from '../context';
import type { KubeObject } from '../store/types';
import { NodeIPAM, tunnelOffset } from './ipam';
import { NodeAgent } from './node-status';
import { PodWorker } from './pod-worker';
import type { ContainerRuntime } from './runtime';

export class Kubelet {
  readonly agent: NodeAgent;
  private readonly ipam: NodeIPAM;
  private readonly workers = new Map<string, PodWorker>();
  /** Pod IPs currently held by pods on this node. */
  private readonly ipsInUse = new Set<string>();
  private stopped = false;

  constructor(
    private readonly ctx: ClusterContext,
    readonly node: NodeSpecInput,
    readonly podCIDR: string,
    private readonly runtimeFor: (pod: KubeObject) => ContainerRuntime,
    describeRuntime: ContainerRuntime,
    existingPods: KubeObject[],
  ) {
    const ips = existingPods.map((p) => (p.status as { podIP?: string } | undefined)?.podIP).filter((ip): ip is string => !!ip);
    this.ipam = new NodeIPAM(podCIDR, ips.filter((ip) => ip !== node.internalIP), tunnelOffset(node.name));
    this.agent = new NodeAgent(ctx, node, podCIDR, describeRuntime.describe());
  }

  get name(): string {
    return this.node.name;
  }

  async start(): Promise<void> {
    await this.agent.start();
  }

  /** A pod event from the shared watch, already filtered to pods bound to this node. */
  podChanged(pod: KubeObject): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid!;
    let w = this.workers.get(uid);
    if (!w) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      // A finished pod from before a restart has nothing left to run.
      if ((phase === 'Succeeded' || phase === 'Failed') && !pod.metadata.deletionTimestamp) return;
      w = new PodWorker(
        {
          ctx: this.ctx,
          runtime: this.runtimeFor(pod),
          nodeName: this.node.name,
          hostIP: this.node.internalIP,
          allocateIP: (preferred) => this.allocateIP(preferred),
          releaseIP: (ip) => this.ipsInUse.delete(ip),
          onFinished: (id) => this.workers.delete(id),
        },
        pod,
      );
      this.workers.set(uid, w);
    }
    w.update(pod);
  }

  podDeleted(pod: KubeObject): void {
    this.workers.get(pod.metadata.uid!)?.removed();
  }

  worker(uid: string): PodWorker | undefined {
    return this.workers.get(uid);
  }

  private allocateIP(preferred?: string): string {
    if (preferred && this.ipam.contains(preferred) && !this.ipsInUse.has(preferred)) {
      this.ipsInUse.add(preferred);
      return preferred;
    }
    const ip = this.ipam.allocate(this.ipsInUse);
    this.ipsInUse.add(ip);
    return ip;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.agent.stop();
    await Promise.all([...this.workers.values()].map((w) => w.shutdown()));
    this.workers.clear();
  }
}
