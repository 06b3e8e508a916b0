import type { KubeObject } from '@/sandbox/cluster/store/types';
import { deployment, isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from './harness';

function daemonSet(name: string, extraSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'agent:1' }], ...extraSpec } } },
  };
}

const nodesOf = (pods: KubeObject[]) => pods.map((p) => (p.spec as any).nodeName).sort();

describe('DaemonSet controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('runs one pod per eligible node, skipping the control plane without a toleration', async () => {
    c = startTestCluster();
    c.create(REFS.daemonSets, daemonSet('agent'));
    c.create(REFS.daemonSets, daemonSet('everywhere', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }));
    await waitFor(() => podsOf(c, 'agent-', 'kube-system').filter(isRunningReady).length === 3, 'agent pods');
    await waitFor(() => podsOf(c, 'everywhere-', 'kube-system').filter(isRunningReady).length === 4, 'everywhere pods');
    expect(nodesOf(podsOf(c, 'agent-', 'kube-system'))).toEqual(['w1-k8s', 'w2-k8s', 'w3-k8s']);
    expect(nodesOf(podsOf(c, 'everywhere-', 'kube-system'))).toEqual(['m-k8s', 'w1-k8s', 'w2-k8s', 'w3-k8s']);
    const pod = podsOf(c, 'agent-', 'kube-system')[0];
    expect(pod.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.metadata.ownerReferences![0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
    expect((pod.spec as any).tolerations).toEqual(expect.arrayContaining([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]));
    expect(pod.metadata.labels!['controller-revision-hash']).toBeTruthy();
    const ds = await waitFor(() => {
      const ds = c.get(REFS.daemonSets, 'kube-system', 'agent')!;
      return (ds.status as any)?.numberReady === 3 ? ds : undefined;
    }, 'status');
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0 });
    expect(c.list({ group: 'apps', resource: 'controllerrevisions' }, 'kube-system').filter((r) => r.metadata.name!.startsWith('agent-'))).toHaveLength(1);
  });

  it('keeps its pod on a cordoned node, recreates deleted pods and rolls a new template node by node', async () => {
    c = startTestCluster();
    c.create(REFS.daemonSets, daemonSet('agent'));
    await waitFor(() => podsOf(c, 'agent-', 'kube-system').filter(isRunningReady).length === 3, 'agent pods');
    c.store.mutate(REFS.nodes, undefined, 'w3-k8s', (n) => ({ ...n, spec: { ...(n.spec as object), unschedulable: true } }));
    const victim = podsOf(c, 'agent-', 'kube-system').find((p) => (p.spec as any).nodeName === 'w3-k8s')!;
    c.store.delete(REFS.pods, 'kube-system', victim.metadata.name!);
    await waitFor(() => podsOf(c, 'agent-', 'kube-system').some((p) => (p.spec as any).nodeName === 'w3-k8s' && p.metadata.name !== victim.metadata.name && isRunningReady(p)), 'recreated on cordoned w3');
    const ds = c.get(REFS.daemonSets, 'kube-system', 'agent')!;
    (ds.spec as any).template.spec.containers[0].image = 'agent:2';
    c.update(REFS.daemonSets, ds);
    await waitFor(() => {
      const pods = podsOf(c, 'agent-', 'kube-system');
      return pods.length === 3 && pods.every((p) => isRunningReady(p) && (p.spec as any).containers[0].image === 'agent:2');
    }, 'rolled to agent:2');
    expect(c.list({ group: 'apps', resource: 'controllerrevisions' }, 'kube-system').filter((r) => r.metadata.name!.startsWith('agent-'))).toHaveLength(2);
  });
});

describe('namespace controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('empties a deleted namespace, then removes it', async () => {
    c = startTestCluster();
    c.create(REFS.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const d = deployment('web', { replicas: 2 });
    d.metadata.namespace = 'team';
    c.create(REFS.deployments, d);
    await waitFor(() => podsOf(c, 'web-', 'team').filter(isRunningReady).length === 2, 'pods in team');
    // What the API server does for DELETE on a namespace with spec.finalizers.
    c.store.mutate(REFS.namespaces, undefined, 'team', (ns) => ({ ...ns, metadata: { ...ns.metadata, finalizers: ['kubernetes'] } }));
    c.store.delete(REFS.namespaces, undefined, 'team');
    await waitFor(() => (c.get(REFS.namespaces, undefined, 'team')?.status as any)?.phase === 'Terminating' || !c.get(REFS.namespaces, undefined, 'team'), 'terminating');
    await waitFor(() => !c.get(REFS.namespaces, undefined, 'team'), 'namespace gone');
    expect(c.list(REFS.pods, 'team')).toHaveLength(0);
    expect(c.list(REFS.deployments, 'team')).toHaveLength(0);
  });

  it('also finishes a namespace the API server only marked Terminating', async () => {
    c = startTestCluster();
    c.create(REFS.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } });
    c.create(REFS.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'scratch' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    c.store.mutate(REFS.namespaces, undefined, 'scratch', (ns) => ({ ...ns, status: { phase: 'Terminating' } }), { subresource: 'status' });
    await waitFor(() => !c.get(REFS.namespaces, undefined, 'scratch'), 'namespace gone');
    expect(c.list(REFS.pods, 'scratch')).toHaveLength(0);
  });
});
