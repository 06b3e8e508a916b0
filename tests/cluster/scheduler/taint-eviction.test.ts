import type { KubeObject } from '@/sandbox/cluster/store/types';
import { deployment, isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from '../controllers/harness';

function taint(c: TestCluster, node: string, t: Record<string, unknown> | undefined): void {
  c.store.mutate(REFS.nodes, undefined, node, (n) => {
    const spec = n.spec as any;
    spec.taints = [...(spec.taints ?? []).filter((x: any) => x.key !== 'dedicated'), ...(t ? [{ ...t, timeAdded: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] : [])];
    return n;
  });
}

describe('taint-based eviction', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('evicts pods that do not tolerate a NoExecute taint and reschedules them elsewhere', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('web', { replicas: 3 }));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 3, '3 pods');
    const tolerant: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tolerant', namespace: 'default' }, spec: { nodeName: 'w1-k8s', tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }], containers: [{ name: 'c', image: 'nginx' }] } };
    c.create(REFS.pods, tolerant);
    await waitFor(() => isRunningReady(c.get(REFS.pods, 'default', 'tolerant')!), 'tolerant running');
    const onW1 = podsOf(c, 'web-').find((p) => (p.spec as any).nodeName === 'w1-k8s')!;
    taint(c, 'w1-k8s', { key: 'dedicated', value: 'db', effect: 'NoExecute' });
    await waitFor(() => !c.get(REFS.pods, 'default', onW1.metadata.name!), 'evicted at once');
    expect(c.events('TaintManagerEviction').map((e) => e.message)).toContain(`Marking for deletion Pod default/${onW1.metadata.name}`);
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 3 && podsOf(c, 'web-').every((p) => (p.spec as any).nodeName !== 'w1-k8s'), 'replaced off w1');
    expect(c.get(REFS.pods, 'default', 'tolerant')).toBeDefined();
    await waitFor(() => !c.get(REFS.pods, 'default', 'tolerant'), 'evicted after tolerationSeconds', 10000);
  });

  it('taints NotReady nodes with not-ready NoSchedule and NoExecute', async () => {
    c = startTestCluster();
    c.store.mutate(REFS.nodes, undefined, 'w2-k8s', (n) => {
      (n.status as any).conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }];
      return n;
    }, { subresource: 'status' });
    const node = await waitFor(() => {
      const n = c.get(REFS.nodes, undefined, 'w2-k8s')!;
      return ((n.spec as any).taints ?? []).length === 2 ? n : undefined;
    }, 'not-ready taints');
    expect((node.spec as any).taints.map((t: any) => `${t.key}:${t.effect}`).sort()).toEqual(['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
  });
});
