import { deployment, isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from './harness';

describe('garbage collector', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  async function webWith3(): Promise<void> {
    c.create(REFS.deployments, deployment('web', { replicas: 3 }));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 3, '3 pods');
  }

  it('background: deleting a deployment removes its ReplicaSets and pods', async () => {
    c = startTestCluster();
    await webWith3();
    c.store.delete(REFS.deployments, 'default', 'web', { propagationPolicy: 'Background' });
    await waitFor(() => c.list(REFS.replicaSets, 'default').length === 0 && podsOf(c, 'web-').length === 0, 'all gone');
  });

  it('foreground: the owner stays (with foregroundDeletion) until its dependents are gone', async () => {
    c = startTestCluster();
    await webWith3();
    c.store.delete(REFS.deployments, 'default', 'web', { propagationPolicy: 'Foreground' });
    const d = c.get(REFS.deployments, 'default', 'web');
    expect(d?.metadata.finalizers).toContain('foregroundDeletion');
    expect(d?.metadata.deletionTimestamp).toBeDefined();
    await waitFor(() => !c.get(REFS.deployments, 'default', 'web'), 'deployment gone');
    expect(c.list(REFS.replicaSets, 'default')).toHaveLength(0);
    expect(podsOf(c, 'web-')).toHaveLength(0);
  });

  it('orphan: dependents lose the owner reference and survive', async () => {
    c = startTestCluster();
    await webWith3();
    c.store.delete(REFS.deployments, 'default', 'web', { propagationPolicy: 'Orphan' });
    await waitFor(() => !c.get(REFS.deployments, 'default', 'web'), 'deployment gone');
    const [rs] = c.list(REFS.replicaSets, 'default');
    expect(rs.metadata.ownerReferences).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    expect(podsOf(c, 'web-').filter(isRunningReady)).toHaveLength(3);
  });

  it('deletes an object created with a dangling owner reference', async () => {
    c = startTestCluster();
    c.create(REFS.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dangling', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nope', uid: '00000000-0000-0000-0000-000000000000', controller: true }] }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await waitFor(() => !c.get(REFS.pods, 'default', 'dangling'), 'collected');
  });
});

describe('disruption controller and pod GC', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('keeps PodDisruptionBudget status', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('web', { replicas: 3 }));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 3, '3 pods');
    const pdbRef = { group: 'policy', resource: 'poddisruptionbudgets' };
    c.create(pdbRef, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    c.create(pdbRef, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'strict', namespace: 'default' }, spec: { maxUnavailable: '0%', selector: { matchLabels: { app: 'web' } } } });
    const pdb = await waitFor(() => {
      const p = c.get(pdbRef, 'default', 'web');
      return (p?.status as any)?.expectedPods === 3 ? p : undefined;
    }, 'pdb status');
    expect(pdb!.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
    expect((pdb!.status as any).conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' });
    const strict = await waitFor(() => {
      const p = c.get(pdbRef, 'default', 'strict');
      return (p?.status as any)?.expectedPods === 3 ? p : undefined;
    }, 'strict status');
    expect(strict!.status).toMatchObject({ disruptionsAllowed: 0, desiredHealthy: 3 });
  });

  it('removes pods bound to a deleted node', async () => {
    c = startTestCluster();
    c.create(REFS.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pinned', namespace: 'default' }, spec: { nodeName: 'w2-k8s', containers: [{ name: 'c', image: 'nginx' }] } });
    await waitFor(() => isRunningReady(c.get(REFS.pods, 'default', 'pinned')!), 'running');
    c.store.delete(REFS.nodes, undefined, 'w2-k8s');
    await waitFor(() => !c.get(REFS.pods, 'default', 'pinned'), 'pod collected');
  });
});

describe('ReplicationController', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('keeps replicas and is collected with its pods', async () => {
    c = startTestCluster();
    const rcRef = { group: '', resource: 'replicationcontrollers' };
    c.create(rcRef, { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'default' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    await waitFor(() => podsOf(c, 'legacy-').filter(isRunningReady).length === 2, '2 pods');
    expect(podsOf(c, 'legacy-')[0].metadata.ownerReferences![0]).toMatchObject({ kind: 'ReplicationController', name: 'legacy', apiVersion: 'v1' });
    await waitFor(() => (c.get(rcRef, 'default', 'legacy')!.status as any)?.readyReplicas === 2, 'status');
    c.store.delete(rcRef, 'default', 'legacy', { propagationPolicy: 'Background' });
    await waitFor(() => podsOf(c, 'legacy-').length === 0, 'pods collected');
  });
});
