import { NodeMonitor } from '@/sandbox/cluster/controllers/node-monitor';
import { isRunningReady, REFS, startTestCluster, waitFor, type TestCluster } from '../controllers/harness';

const leases = { group: 'coordination.k8s.io', resource: 'leases' };

describe('node monitor', () => {
  let c: TestCluster;
  let monitor: NodeMonitor | undefined;
  afterEach(() => {
    monitor?.stop();
    c?.stop();
  });

  it('marks a node whose kubelet went silent Unknown, taints it unreachable and evicts its pods', async () => {
    c = startTestCluster();
    c.store.create({ group: '', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
    const renew = (node: string) => {
      const now = new Date().toISOString();
      if (c.get(leases, 'kube-node-lease', node)) c.store.mutate(leases, 'kube-node-lease', node, (l) => ({ ...l, spec: { ...(l.spec as object), renewTime: now } }));
      else c.store.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: node, namespace: 'kube-node-lease' }, spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime: now } });
    };
    c.create(REFS.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'victim', namespace: 'default' }, spec: { nodeName: 'w3-k8s', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }], containers: [{ name: 'c', image: 'nginx' }] } });
    await waitFor(() => isRunningReady(c.get(REFS.pods, 'default', 'victim')!), 'running');
    monitor = new NodeMonitor(c.ctx, 400);
    monitor.start();
    // w1 and w2 keep renewing; w3's kubelet is silent.
    const timer = setInterval(() => ['m-k8s', 'w1-k8s', 'w2-k8s'].forEach(renew), 100);
    try {
      const node = await waitFor(() => {
        const n = c.get(REFS.nodes, undefined, 'w3-k8s')!;
        return ((n.status as any).conditions ?? []).find((x: any) => x.type === 'Ready')?.status === 'Unknown' ? n : undefined;
      }, 'w3 Unknown');
      expect(((node.status as any).conditions as any[]).find((x) => x.type === 'Ready')).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      expect(((c.get(REFS.nodes, undefined, 'w1-k8s')!.status as any).conditions as any[]).find((x) => x.type === 'Ready').status).toBe('True');
      await waitFor(() => ((c.get(REFS.nodes, undefined, 'w3-k8s')!.spec as any).taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 'unreachable taint');
      await waitFor(() => !c.get(REFS.pods, 'default', 'victim'), 'evicted after tolerationSeconds', 10000);
    } finally {
      clearInterval(timer);
    }
  });
});
