// A small in-process cluster for controller tests: the real store, event recorder and admission
// chain, the controllers and scheduler, four nodes like the course's lab, and a minimal fake
// kubelet that marks bound pods Running/Ready and finishes graceful deletes.
import { applyDefaults } from '@/sandbox/cluster/api/defaults';
import type { ClusterContext, ClusterOptions } from '@/sandbox/cluster/context';
import { registerAdmission, startControllers } from '@/sandbox/cluster/controllers';
import { AdmissionChain } from '@/sandbox/cluster/events/admission';
import { StoreEventRecorder } from '@/sandbox/cluster/events/recorder';
import { startScheduler } from '@/sandbox/cluster/scheduler';
import { MemoryStore } from '@/sandbox/cluster/store';
import type { KubeObject, ResourceRef, Watch } from '@/sandbox/cluster/store/types';

export const REFS = {
  pods: { group: '', resource: 'pods' },
  nodes: { group: '', resource: 'nodes' },
  namespaces: { group: '', resource: 'namespaces' },
  events: { group: '', resource: 'events' },
  services: { group: '', resource: 'services' },
  endpoints: { group: '', resource: 'endpoints' },
  endpointSlices: { group: 'discovery.k8s.io', resource: 'endpointslices' },
  pvcs: { group: '', resource: 'persistentvolumeclaims' },
  pvs: { group: '', resource: 'persistentvolumes' },
  storageClasses: { group: 'storage.k8s.io', resource: 'storageclasses' },
  deployments: { group: 'apps', resource: 'deployments' },
  replicaSets: { group: 'apps', resource: 'replicasets' },
  daemonSets: { group: 'apps', resource: 'daemonsets' },
  statefulSets: { group: 'apps', resource: 'statefulsets' },
  jobs: { group: 'batch', resource: 'jobs' },
  cronJobs: { group: 'batch', resource: 'cronjobs' },
} satisfies Record<string, ResourceRef>;

export const OPTIONS: ClusterOptions = {
  nodes: [
    { name: 'm-k8s', controlPlane: true, internalIP: '192.168.1.10' },
    { name: 'w1-k8s', controlPlane: false, internalIP: '192.168.1.101' },
    { name: 'w2-k8s', controlPlane: false, internalIP: '192.168.1.102' },
    { name: 'w3-k8s', controlPlane: false, internalIP: '192.168.1.103' },
  ],
  serviceCIDR: '10.96.0.0/12',
  podCIDR: '172.16.0.0/16',
  loadBalancerPool: '192.168.1.11-192.168.1.13',
  nodePortRange: { min: 30000, max: 32767 },
  maxPodsPerNode: 110,
  timeScale: 0,
};

export interface FakeKubeletOptions {
  /** Images whose pods never start (like a tag that does not exist). */
  badImages?: string[];
  /** Pods whose containers exit with this code (Job tests); keyed by image. */
  exitCodes?: Record<string, number>;
}

export interface TestCluster {
  ctx: ClusterContext;
  store: MemoryStore;
  admission: AdmissionChain;
  clock: { offsetMs: number };
  /** Create through admission and defaulting, like the API server would. */
  create(ref: ResourceRef, obj: KubeObject): KubeObject;
  update(ref: ResourceRef, obj: KubeObject): KubeObject;
  list(ref: ResourceRef, namespace?: string): KubeObject[];
  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  events(reason?: string): KubeObject[];
  stop(): void;
}

function nodeObject(name: string, controlPlane: boolean, ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      allocatable: { cpu: controlPlane ? '2' : '1', memory: '2560Mi', pods: '110' },
      capacity: { cpu: controlPlane ? '2' : '1', memory: '2560Mi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
    },
  };
}

export function startTestCluster(opts: { kubelet?: FakeKubeletOptions; controllers?: boolean; scheduler?: boolean } = {}): TestCluster {
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  const store = new MemoryStore({ now, gracefulPodDeletion: true });
  const admission = new AdmissionChain();
  const ctx: ClusterContext = { store, events: new StoreEventRecorder(store, now), admission, options: OPTIONS, now };
  admission.ctx = ctx;
  registerAdmission(admission, ctx);
  for (const ns of ['default', 'kube-system']) store.create(REFS.namespaces, applyDefaults({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  for (const n of OPTIONS.nodes) store.create(REFS.nodes, nodeObject(n.name, n.controlPlane, n.internalIP));
  const stops: (() => void)[] = [];
  if (opts.controllers !== false) stops.push(startControllers(ctx).stop);
  if (opts.scheduler !== false) stops.push(startScheduler(ctx).stop);
  stops.push(startFakeKubelet(store, now, opts.kubelet ?? {}));
  const create = (ref: ResourceRef, obj: KubeObject) => store.create(ref, admission.run(ref, 'CREATE', applyDefaults(structuredClone(obj)), undefined));
  const update = (ref: ResourceRef, obj: KubeObject) => {
    const old = store.get(ref, obj.metadata.namespace, obj.metadata.name!);
    return store.update(ref, admission.run(ref, 'UPDATE', applyDefaults(structuredClone(obj)), old));
  };
  return {
    ctx,
    store,
    admission,
    clock,
    create,
    update,
    list: (ref, namespace) => store.list(ref, { namespace }).items,
    get: (ref, ns, name) => store.get(ref, ns, name),
    events: (reason) => store.list(REFS.events).items.filter((e) => !reason || e.reason === reason),
    stop: () => stops.forEach((s) => s()),
  };
}

/** Marks bound pods Running and Ready with an IP; completes graceful deletion at once. */
function startFakeKubelet(store: MemoryStore, now: () => Date, opts: FakeKubeletOptions): () => void {
  let ipCounter = 1;
  const ts = () => now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const watch: Watch = store.watch(REFS.pods, {}, (ev) => {
    if (ev.type === 'DELETED') return;
    const pod = ev.object;
    const spec = pod.spec as any;
    if (!spec?.nodeName) return;
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp) {
      try {
        store.delete(REFS.pods, ns, name, { gracePeriodSeconds: 0 });
      } catch {
        /* gone */
      }
      return;
    }
    const status = (pod.status ?? {}) as any;
    if (status.phase === 'Running' || status.phase === 'Succeeded' || status.phase === 'Failed' || status.containerStatuses) return;
    const image = spec.containers?.[0]?.image as string;
    try {
      store.mutate(REFS.pods, ns, name, (cur) => {
        const s = ((cur.status ??= {}) as any);
        const conds = ((s.conditions ?? []) as any[]).filter((c) => c.type === 'PodScheduled');
        s.hostIP = '192.168.1.1';
        s.startTime = ts();
        if (opts.badImages?.includes(image)) {
          s.phase = 'Pending';
          s.conditions = [...conds, { type: 'Ready', status: 'False', lastTransitionTime: ts(), reason: 'ContainersNotReady' }];
          s.containerStatuses = [{ name: spec.containers[0].name, ready: false, restartCount: 0, image, state: { waiting: { reason: 'ErrImagePull' } } }];
          return cur;
        }
        s.podIP = `172.16.0.${ipCounter++ % 250}`;
        s.podIPs = [{ ip: s.podIP }];
        const exit = opts.exitCodes?.[image];
        if (exit !== undefined) {
          s.phase = exit === 0 ? 'Succeeded' : 'Failed';
          s.conditions = [...conds, { type: 'Ready', status: 'False', lastTransitionTime: ts(), reason: 'PodCompleted' }];
          s.containerStatuses = [{ name: spec.containers[0].name, ready: false, restartCount: 0, image, state: { terminated: { exitCode: exit, reason: exit === 0 ? 'Completed' : 'Error' } } }];
          return cur;
        }
        s.phase = 'Running';
        s.conditions = [...conds, { type: 'Initialized', status: 'True', lastTransitionTime: ts() }, { type: 'Ready', status: 'True', lastTransitionTime: ts() }, { type: 'ContainersReady', status: 'True', lastTransitionTime: ts() }];
        s.containerStatuses = [{ name: spec.containers[0].name, ready: true, started: true, restartCount: 0, image, state: { running: { startedAt: ts() } } }];
        return cur;
      }, { subresource: 'status' });
    } catch {
      /* raced with deletion */
    }
  });
  return () => watch.stop();
}

export async function waitFor<T>(fn: () => T | undefined | false, what: string, timeoutMs = 15000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function deployment(name: string, opts: { replicas?: number; image?: string; labels?: Record<string, string>; strategy?: unknown; extra?: Record<string, unknown> } = {}): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: opts.image ?? 'nginx' }] } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.extra ?? {}),
    },
  };
}

export function podsOf(c: TestCluster, prefix: string, namespace = 'default'): KubeObject[] {
  return c.list(REFS.pods, namespace).filter((p) => p.metadata.name!.startsWith(prefix));
}

export function isRunningReady(p: KubeObject): boolean {
  const s = p.status as any;
  return !p.metadata.deletionTimestamp && s?.phase === 'Running' && (s.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}
