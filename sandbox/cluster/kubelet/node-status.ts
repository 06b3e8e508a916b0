// The kubelet's node side: registers the Node object (labels, taints, capacity, addresses,
// nodeInfo, podCIDR), keeps its conditions and heartbeat fresh, and renews its Lease in
// kube-node-lease every 10 s (the signal the node lifecycle controller watches).
import { createHash } from 'node:crypto';
import { REF } from '../api/registry';
import { isStatusError } from '../api/errors';
import type { ClusterContext, NodeSpecInput } from '../context';
import type { KubeObject } from '../store/types';
import type { RuntimeDescription } from './runtime';
import { tunnelAddress } from './ipam';
import { apiTime, microTime, Timers } from './time';

export const KUBELET_VERSION = 'v1.35.0';
const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
/** kubelet's nodeStatusReportFrequency: status is re-posted this often even without changes. */
const STATUS_REPORT_MS = 5 * 60_000;

const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';

interface NodeResources {
  cpu: string;
  memoryKi: number;
  storageKi: number;
}

/** The notes' VMs: 2 vCPU; 3 GiB on the master, 2.5 GiB on workers; 40 GiB disks. */
function resourcesFor(node: NodeSpecInput): NodeResources {
  return { cpu: '2', memoryKi: node.controlPlane ? 3_063_956 : 2_522_740, storageKi: 41_921_540 };
}

function stableId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

function uuidFrom(seed: string): string {
  const h = stableId(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function nodeLabels(node: NodeSpecInput): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
  };
  if (node.controlPlane) {
    labels[CONTROL_PLANE_ROLE] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return labels;
}

export class NodeAgent {
  private readonly timers = new Timers();
  private readonly bootID = uuidFrom(`${Date.now()}-${Math.random()}`);
  private conditionsSince: string;

  constructor(
    private readonly ctx: ClusterContext,
    readonly node: NodeSpecInput,
    readonly podCIDR: string,
    private readonly runtime: RuntimeDescription,
  ) {
    this.conditionsSince = apiTime(ctx.now());
  }

  /** Registers (or re-registers) the node, posts its status, creates the lease and starts heartbeats. */
  async start(): Promise<KubeObject> {
    const node = this.register();
    this.postStatus(true);
    this.renewLease();
    const created = this.ctx.store.get(REF.nodes, undefined, this.node.name) ?? node;
    this.ctx.events.record(created, 'Normal', 'Starting', 'Starting kubelet.', 'kubelet', { host: this.node.name });
    this.ctx.events.record(created, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods', 'kubelet', { host: this.node.name });
    this.ctx.events.record(created, 'Normal', 'NodeReady', `Node ${this.node.name} status is now: NodeReady`, 'kubelet', { host: this.node.name });
    this.timers.every(LEASE_RENEW_MS, () => this.renewLease());
    this.timers.every(STATUS_REPORT_MS, () => this.postStatus(false));
    return created;
  }

  stop(): void {
    this.timers.clear();
  }

  private register(): KubeObject {
    const { store } = this.ctx;
    const existing = store.get(REF.nodes, undefined, this.node.name);
    const labels = nodeLabels(this.node);
    if (!existing) {
      const obj: KubeObject = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: this.node.name,
          labels,
          annotations: {
            'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
            'node.alpha.kubernetes.io/ttl': '0',
            // What calico-node writes on its node.
            'projectcalico.org/IPv4Address': `${this.node.internalIP}/24`,
            'projectcalico.org/IPv4IPIPTunnelAddr': tunnelAddress(this.podCIDR, this.node.name),
            'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          },
        },
        spec: {
          podCIDR: this.podCIDR,
          podCIDRs: [this.podCIDR],
          ...(this.node.controlPlane ? { taints: [{ key: CONTROL_PLANE_ROLE, effect: 'NoSchedule' }] } : {}),
        },
      };
      try {
        return store.create(REF.nodes, obj);
      } catch (err) {
        if (!(isStatusError(err) && err.code === 409)) throw err;
      }
    }
    // Re-registration keeps what users changed (extra labels, cordon, taints); it restores the
    // kubelet-owned labels and the pod CIDR.
    return (
      store.mutate(REF.nodes, undefined, this.node.name, (cur) => {
        const meta = cur.metadata;
        const spec = (cur.spec ?? {}) as Record<string, unknown>;
        const mergedLabels = { ...(meta.labels ?? {}), ...labels };
        const changed = JSON.stringify(mergedLabels) !== JSON.stringify(meta.labels ?? {}) || spec.podCIDR !== this.podCIDR;
        if (!changed) return undefined;
        return { ...cur, metadata: { ...meta, labels: mergedLabels }, spec: { ...spec, podCIDR: this.podCIDR, podCIDRs: [this.podCIDR] } };
      }) ?? store.get(REF.nodes, undefined, this.node.name)!
    );
  }

  private status(now: string): Record<string, unknown> {
    const r = resourcesFor(this.node);
    const reservedMemKi = 102_400; // evictionHard memory.available 100Mi
    const condition = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: this.conditionsSince,
      reason,
      message,
    });
    return {
      capacity: { cpu: r.cpu, 'ephemeral-storage': `${r.storageKi}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${r.memoryKi}Ki`, pods: String(this.ctx.options.maxPodsPerNode) },
      allocatable: {
        cpu: r.cpu,
        'ephemeral-storage': String(Math.floor(r.storageKi * 1024 * 0.9)),
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${r.memoryKi - reservedMemKi}Ki`,
        pods: String(this.ctx.options.maxPodsPerNode),
      },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: this.node.internalIP },
        { type: 'Hostname', address: this.node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: stableId(`machine-${this.node.name}`),
        systemUUID: uuidFrom(`system-${this.node.name}`),
        bootID: this.bootID,
        kernelVersion: this.runtime.kernelVersion,
        osImage: this.runtime.osImage,
        containerRuntimeVersion: this.runtime.containerRuntimeVersion,
        kubeletVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    };
  }

  /** Posts node status (on start and every nodeStatusReportFrequency, refreshing heartbeats). */
  postStatus(_initial: boolean): void {
    const now = apiTime(this.ctx.now());
    try {
      this.ctx.store.mutate(
        REF.nodes,
        undefined,
        this.node.name,
        (cur) => {
          const next = this.status(now);
          const prev = (cur.status ?? {}) as Record<string, unknown>;
          // Keep transition times of conditions that did not change status.
          const prevConds = (prev.conditions ?? []) as Array<Record<string, unknown>>;
          for (const c of next.conditions as Array<Record<string, unknown>>) {
            const old = prevConds.find((p) => p.type === c.type);
            if (old && old.status === c.status && typeof old.lastTransitionTime === 'string') c.lastTransitionTime = old.lastTransitionTime;
          }
          return { ...cur, status: { ...prev, ...next } };
        },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404)) throw err;
      // Someone deleted our Node: register again, like a kubelet whose node object vanished.
      this.register();
    }
  }

  private renewLease(): void {
    const { store } = this.ctx;
    const now = microTime(this.ctx.now());
    const node = store.get(REF.nodes, undefined, this.node.name);
    try {
      const updated = store.mutate(REF.leases, 'kube-node-lease', this.node.name, (cur) => ({
        ...cur,
        spec: { ...(cur.spec as object), holderIdentity: this.node.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      }));
      if (updated) return;
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404)) return;
    }
    try {
      store.create(REF.leases, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: this.node.name,
          namespace: 'kube-node-lease',
          ownerReferences: node ? [{ apiVersion: 'v1', kind: 'Node', name: this.node.name, uid: node.metadata.uid! }] : undefined,
        },
        spec: { holderIdentity: this.node.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      });
    } catch {
      // Namespace missing or a concurrent create: the next renewal retries.
    }
  }
}
