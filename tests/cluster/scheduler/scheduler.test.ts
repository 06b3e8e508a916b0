import type { KubeObject } from '@/sandbox/cluster/store/types';
import { parseQuantity, milliCPU } from '@/sandbox/cluster/scheduler/quantity';
import { deployment, isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from '../controllers/harness';

function pod(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { run: name } }, spec: { containers: [{ name, image: 'nginx' }], ...spec } };
}

function setUnschedulable(c: TestCluster, node: string, value: boolean): void {
  c.store.mutate(REFS.nodes, undefined, node, (n) => {
    (n.spec as any).unschedulable = value || undefined;
    if (!value) delete (n.spec as any).unschedulable;
    return n;
  });
}

function scheduledCondition(p: KubeObject | undefined): any {
  return ((p?.status as any)?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
}

describe('quantities', () => {
  it('parses cpu and memory like resource.Quantity', () => {
    expect(milliCPU('100m')).toBe(100);
    expect(milliCPU('1')).toBe(1000);
    expect(milliCPU('0.5')).toBe(500);
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('1Gi')).toBe(2 ** 30);
    expect(parseQuantity('500M')).toBe(5e8);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(() => parseQuantity('12zz')).toThrow(/quantities must match/);
  });
});

describe('scheduler', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('binds to a worker, never the tainted control plane, and records Scheduled', async () => {
    c = startTestCluster();
    c.create(REFS.pods, pod('nginx-pod'));
    const p = await waitFor(() => {
      const p = c.get(REFS.pods, 'default', 'nginx-pod');
      return isRunningReady(p!) ? p : undefined;
    }, 'running');
    expect((p!.spec as any).nodeName).toMatch(/^w[123]-k8s$/);
    expect(scheduledCondition(p)).toMatchObject({ status: 'True' });
    expect(c.events('Scheduled')[0].message).toBe(`Successfully assigned default/nginx-pod to ${(p!.spec as any).nodeName}`);
    expect((c.events('Scheduled')[0] as any).source.component).toBe('default-scheduler');
  });

  it('keeps pods Pending with the upstream message when nothing fits, and retries on uncordon', async () => {
    c = startTestCluster();
    for (const n of ['w1-k8s', 'w2-k8s', 'w3-k8s']) setUnschedulable(c, n, true);
    await waitFor(() => c.list(REFS.nodes).filter((n) => ((n.spec as any).taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/unschedulable')).length === 3, 'cordon taints');
    c.create(REFS.pods, pod('stuck'));
    const msg = '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) were unschedulable. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.';
    await waitFor(() => scheduledCondition(c.get(REFS.pods, 'default', 'stuck'))?.message === msg, 'unschedulable condition');
    expect(scheduledCondition(c.get(REFS.pods, 'default', 'stuck'))).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(c.events('FailedScheduling')[0]).toMatchObject({ type: 'Warning', message: msg });
    setUnschedulable(c, 'w2-k8s', false);
    const p = await waitFor(() => {
      const p = c.get(REFS.pods, 'default', 'stuck');
      return (p?.spec as any)?.nodeName ? p : undefined;
    }, 'scheduled after uncordon');
    expect((p!.spec as any).nodeName).toBe('w2-k8s');
    await waitFor(() => !c.list(REFS.nodes).some((n) => n.metadata.name === 'w2-k8s' && ((n.spec as any).taints ?? []).length), 'taint removed on uncordon');
  });

  it('honours nodeSelector, required node affinity, tolerations and resource requests', async () => {
    c = startTestCluster();
    c.create(REFS.pods, pod('sel', { nodeSelector: { 'kubernetes.io/hostname': 'w3-k8s' } }));
    c.create(REFS.pods, pod('aff', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['w1-k8s', 'w2-k8s', 'w3-k8s'] }] }] } } } }));
    c.create(REFS.pods, pod('cp', { nodeSelector: { 'node-role.kubernetes.io/control-plane': '' }, tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }));
    c.create(REFS.pods, pod('big', { containers: [{ name: 'big', image: 'nginx', resources: { requests: { cpu: '1500m', memory: '128Mi' } } }] }));
    await waitFor(() => (c.get(REFS.pods, 'default', 'sel')!.spec as any).nodeName === 'w3-k8s', 'nodeSelector');
    await waitFor(() => (c.get(REFS.pods, 'default', 'cp')!.spec as any).nodeName === 'm-k8s', 'toleration');
    // NotIn all workers: only m-k8s matches, and its taint is not tolerated.
    await waitFor(() => scheduledCondition(c.get(REFS.pods, 'default', 'aff'))?.message === "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.", 'affinity failure');
    // 1.5 cores fit only on the 2-core control plane, which is tainted.
    await waitFor(() => scheduledCondition(c.get(REFS.pods, 'default', 'big'))?.message === '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.', 'insufficient cpu');
  });

  it('avoids a cordoned node on scale-up and replaces drained pods elsewhere', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('echo-hname', { replicas: 3, labels: { app: 'nginx' } }));
    await waitFor(() => podsOf(c, 'echo-hname-').filter(isRunningReady).length === 3, '3 running');
    setUnschedulable(c, 'w3-k8s', true);
    const d = c.get(REFS.deployments, 'default', 'echo-hname')!;
    (d.spec as any).replicas = 9;
    c.update(REFS.deployments, d);
    await waitFor(() => podsOf(c, 'echo-hname-').filter(isRunningReady).length === 9, '9 running');
    const count = (node: string) => podsOf(c, 'echo-hname-').filter((p) => (p.spec as any).nodeName === node).length;
    expect([count('w1-k8s'), count('w2-k8s'), count('w3-k8s')]).toEqual([4, 4, 1]);
    // drain: evict (delete) the pod on w3; its replacement lands on w1/w2.
    const onW3 = podsOf(c, 'echo-hname-').find((p) => (p.spec as any).nodeName === 'w3-k8s')!;
    c.store.delete(REFS.pods, 'default', onW3.metadata.name!);
    await waitFor(() => podsOf(c, 'echo-hname-').filter(isRunningReady).length === 9 && count('w3-k8s') === 0, 'replaced off w3');
  });
});

describe('scheduler: pod affinity, anti-affinity, topology spread and preferences', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  const labelled = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
  const nodeOf = (name: string) => (c.get(REFS.pods, 'default', name)?.spec as any)?.nodeName as string | undefined;

  it('spreads with required anti-affinity and leaves the fourth Pending', async () => {
    c = startTestCluster();
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
    for (const n of ['c1', 'c2', 'c3', 'c4']) c.create(REFS.pods, labelled(n, { app: 'cache' }, anti));
    await waitFor(() => ['c1', 'c2', 'c3', 'c4'].filter((n) => nodeOf(n)).length === 3, 'three placed');
    expect(new Set(['c1', 'c2', 'c3', 'c4'].map(nodeOf).filter(Boolean)).size).toBe(3);
    const pending = ['c1', 'c2', 'c3', 'c4'].find((n) => !nodeOf(n))!;
    await waitFor(() => scheduledCondition(c.get(REFS.pods, 'default', pending))?.message === "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.", 'anti-affinity message');
  });

  it('co-locates with required pod affinity and follows preferred node affinity and PreferNoSchedule', async () => {
    c = startTestCluster();
    c.create(REFS.pods, labelled('db', { app: 'db' }, { nodeSelector: { 'kubernetes.io/hostname': 'w2-k8s' } }));
    await waitFor(() => nodeOf('db') === 'w2-k8s', 'db on w2');
    c.create(REFS.pods, labelled('app', { app: 'app' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } } }));
    await waitFor(() => nodeOf('app') === 'w2-k8s', 'app next to db');
    c.create(REFS.pods, labelled('pref', { app: 'pref' }, { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['w3-k8s'] }] } }] } } }));
    await waitFor(() => nodeOf('pref') === 'w3-k8s', 'preferred node');
    c.store.mutate(REFS.nodes, undefined, 'w1-k8s', (n) => ({ ...n, spec: { ...(n.spec as object), taints: [{ key: 'slow', effect: 'PreferNoSchedule' }] } }));
    c.store.mutate(REFS.nodes, undefined, 'w2-k8s', (n) => ({ ...n, spec: { ...(n.spec as object), taints: [{ key: 'slow', effect: 'PreferNoSchedule' }] } }));
    await new Promise((r) => setTimeout(r, 50));
    c.create(REFS.pods, labelled('avoid', { app: 'avoid' }));
    await waitFor(() => nodeOf('avoid') === 'w3-k8s', 'avoids PreferNoSchedule');
  });

  it('honours topologySpreadConstraints with DoNotSchedule', async () => {
    c = startTestCluster();
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }], nodeSelector: { 'kubernetes.io/os': 'linux' } };
    // Pin two pods to w1 first: the next ones must go to w2/w3 until the skew allows w1 again.
    c.create(REFS.pods, labelled('s0', { app: 'spread' }, { nodeName: 'w1-k8s' }));
    for (const n of ['s1', 's2']) c.create(REFS.pods, labelled(n, { app: 'spread' }, spread));
    await waitFor(() => nodeOf('s1') && nodeOf('s2'), 'placed');
    expect([nodeOf('s1'), nodeOf('s2')].sort()).toEqual(['w2-k8s', 'w3-k8s']);
  });
});

describe('scheduler: volumes', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());
  const withClaim = (name: string, claim: string): KubeObject => pod(name, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] });

  it('waits for a missing or unbound claim with upstream messages', async () => {
    c = startTestCluster();
    c.create(REFS.pods, withClaim('needs', 'data'));
    await waitFor(() => scheduledCondition(c.get(REFS.pods, 'default', 'needs'))?.message === '0/4 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.', 'not found message');
    c.create(REFS.pvcs, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await waitFor(() => scheduledCondition(c.get(REFS.pods, 'default', 'needs'))?.message === '0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.', 'unbound message');
    c.create(REFS.pvs, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { storageClassName: 'manual', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/pv1' } } });
    await waitFor(() => isRunningReady(c.get(REFS.pods, 'default', 'needs')!), 'runs once bound');
  });

  it('binds WaitForFirstConsumer claims on the node the pod was scheduled to', async () => {
    c = startTestCluster();
    c.create(REFS.storageClasses, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' } as KubeObject);
    c.create(REFS.pvcs, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'late', namespace: 'default' }, spec: { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await waitFor(() => c.events('WaitForFirstConsumer').length > 0, 'waiting event');
    expect((c.get(REFS.pvcs, 'default', 'late')!.status as any).phase).toBe('Pending');
    c.create(REFS.pods, withClaim('consumer', 'late'));
    const p = await waitFor(() => {
      const p = c.get(REFS.pods, 'default', 'consumer');
      return (p?.spec as any)?.nodeName ? p : undefined;
    }, 'scheduled');
    const node = (p!.spec as any).nodeName;
    const pvc = await waitFor(() => {
      const x = c.get(REFS.pvcs, 'default', 'late')!;
      return (x.status as any)?.phase === 'Bound' ? x : undefined;
    }, 'bound');
    expect(pvc.metadata.annotations!['volume.kubernetes.io/selected-node']).toBe(node);
    const pv = c.get(REFS.pvs, undefined, (pvc.spec as any).volumeName)!;
    expect((pv.spec as any).nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([node]);
    // A second pod with the same claim must follow the volume.
    c.create(REFS.pods, withClaim('second', 'late'));
    await waitFor(() => (c.get(REFS.pods, 'default', 'second')!.spec as any).nodeName === node, 'same node');
  });
});
