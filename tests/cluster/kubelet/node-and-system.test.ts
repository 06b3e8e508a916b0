import { REF } from '@/sandbox/cluster/api/registry';
import { MemoryStore } from '@/sandbox/cluster/store';
import { containerStatus, phase, startHarness, waitFor, type KubeletHarness } from './harness';

describe('node registration', () => {
  let h: KubeletHarness;
  afterEach(async () => {
    await h?.stop();
  });

  test('registers four nodes with labels, taints, capacity, addresses, nodeInfo, pod CIDRs, conditions and leases', async () => {
    h = await startHarness({ skipSystemObjects: true });
    const nodes = h.store.list(REF.nodes).items;
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['m-k8s', 'w1-k8s', 'w2-k8s', 'w3-k8s']);
    const m = h.store.get(REF.nodes, undefined, 'm-k8s')!;
    const w1 = h.store.get(REF.nodes, undefined, 'w1-k8s')!;
    expect(m.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'm-k8s', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' });
    expect(w1.metadata.labels!['node-role.kubernetes.io/control-plane']).toBeUndefined();
    expect((m.spec as Record<string, unknown>).taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect((w1.spec as Record<string, unknown>).taints).toBeUndefined();
    expect((w1.spec as Record<string, unknown>).podCIDR).toBe('172.16.221.0/24');
    expect((h.store.get(REF.nodes, undefined, 'w2-k8s')!.spec as Record<string, unknown>).podCIDR).toBe('172.16.103.0/24');
    expect((h.store.get(REF.nodes, undefined, 'w3-k8s')!.spec as Record<string, unknown>).podCIDR).toBe('172.16.132.0/24');
    const st = w1.status as Record<string, any>;
    expect(st.capacity).toMatchObject({ cpu: '2', pods: '110' });
    expect(st.allocatable.memory).toMatch(/^\d+Ki$/);
    expect(st.addresses).toEqual([
      { type: 'InternalIP', address: '192.168.1.101' },
      { type: 'Hostname', address: 'w1-k8s' },
    ]);
    expect(st.nodeInfo).toMatchObject({ kubeletVersion: 'v1.35.0', containerRuntimeVersion: 'containerd://1.7.24', operatingSystem: 'linux', architecture: 'amd64' });
    const conds = Object.fromEntries((st.conditions as Array<{ type: string; status: string; lastHeartbeatTime: string }>).map((c) => [c.type, c.status]));
    expect(conds).toEqual({ MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', Ready: 'True' });
    const lease = h.store.get(REF.leases, 'kube-node-lease', 'w1-k8s')!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'w1-k8s', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'w1-k8s', uid: w1.metadata.uid });
    expect(h.store.get(REF.namespaces, undefined, 'kube-node-lease')).toBeDefined();
  });

  test('re-registering over persisted nodes keeps user changes (labels, cordon) and the node uid', async () => {
    const store = new MemoryStore({ gracefulPodDeletion: true });
    h = await startHarness({ skipSystemObjects: true, store });
    const before = store.get(REF.nodes, undefined, 'w3-k8s')!;
    store.mutate(REF.nodes, undefined, 'w3-k8s', (n) => ({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, disk: 'ssd' } }, spec: { ...(n.spec as object), unschedulable: true } }));
    await h.stop();
    h = await startHarness({ skipSystemObjects: true, store });
    const after = store.get(REF.nodes, undefined, 'w3-k8s')!;
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.labels).toMatchObject({ disk: 'ssd', 'kubernetes.io/hostname': 'w3-k8s' });
    expect((after.spec as Record<string, unknown>).unschedulable).toBe(true);
  });

  test('running pods survive a restart of the kubelets without restarting or changing IP', async () => {
    const store = new MemoryStore({ gracefulPodDeletion: true });
    h = await startHarness({ skipSystemObjects: true, store });
    h.createPod('keep', { containers: [{ name: 'nginx', image: 'nginx:1.16.0' }] }, 'w2-k8s');
    const running = await waitFor(() => (phase(h.pod('keep')) === 'Running' ? h.pod('keep') : undefined), 'keep Running');
    await h.stop();
    h = await startHarness({ skipSystemObjects: true, store });
    // Give the new kubelet time to sync, then compare.
    await new Promise((r) => setTimeout(r, 200));
    const again = h.pod('keep')!;
    expect(phase(again)).toBe('Running');
    expect((again.status as { podIP: string }).podIP).toBe((running.status as { podIP: string }).podIP);
    expect(containerStatus(again)!.containerID).toBe(containerStatus(running)!.containerID);
    expect(containerStatus(again)!.restartCount).toBe(0);
    // And the adopted container is still managed: deleting the pod finishes.
    store.delete(REF.pods, 'default', 'keep', {});
    await waitFor(() => !h.pod('keep'), 'keep deleted');
  });
});

describe('kube-system bootstrap', () => {
  let h: KubeletHarness;
  afterEach(async () => {
    await h?.stop();
  });

  test('creates the add-on workloads, kube-dns and the mirror pods, which run on m-k8s', async () => {
    h = await startHarness();
    const ds = h.store.list(REF.daemonsets, { namespace: 'kube-system' }).items.map((d) => d.metadata.name).sort();
    expect(ds).toEqual(['calico-node', 'kube-proxy']);
    const deploys = h.store.list(REF.deployments, { namespace: 'kube-system' }).items;
    expect(deploys.map((d) => `${d.metadata.name}=${(d.spec as { replicas: number }).replicas}`).sort()).toEqual(['calico-kube-controllers=1', 'coredns=2']);
    const dns = h.store.get(REF.services, 'kube-system', 'kube-dns')!;
    expect((dns.spec as { clusterIP: string }).clusterIP).toBe('10.96.0.10');
    expect(h.store.get(REF.services, 'default', 'kubernetes')).toBeDefined();
    const mirrors = ['etcd-m-k8s', 'kube-apiserver-m-k8s', 'kube-controller-manager-m-k8s', 'kube-scheduler-m-k8s'];
    for (const name of mirrors) {
      const pod = await waitFor(() => (phase(h.pod(name, 'kube-system')) === 'Running' ? h.pod(name, 'kube-system') : undefined), `${name} Running`);
      expect((pod.status as { podIP: string }).podIP).toBe('192.168.1.10');
      expect(pod.metadata.annotations!['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'm-k8s' });
      expect(containerStatus(pod)!.restartCount).toBe(0);
    }
    // kubeadm pre-pulled the control-plane images.
    expect(h.events('etcd-m-k8s').find((e) => e.reason === 'Pulled')?.message).toBe(`Container image "registry.k8s.io/etcd:3.6.5-0" already present on machine and can be accessed by the pod`);
    // A deleted mirror pod comes back (the static manifest is still there).
    const uid = h.pod('etcd-m-k8s', 'kube-system')!.metadata.uid;
    h.store.delete(REF.pods, 'kube-system', 'etcd-m-k8s', {});
    await waitFor(() => {
      const p = h.pod('etcd-m-k8s', 'kube-system');
      return p && p.metadata.uid !== uid && phase(p) === 'Running';
    }, 'etcd mirror pod re-created');
  });

  test('an existing object is left alone', async () => {
    const store = new MemoryStore({ gracefulPodDeletion: true });
    store.create(REF.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
    store.create(REF.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { mine: 'yes' } }, spec: { clusterIP: '10.96.0.99', ports: [{ port: 53 }] } });
    h = await startHarness({ store });
    expect(store.get(REF.services, 'kube-system', 'kube-dns')!.metadata.labels).toEqual({ mine: 'yes' });
  });
});
