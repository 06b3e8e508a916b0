import type { KubeObject } from '@/sandbox/cluster/store/types';
import { isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from './harness';

function statefulSet(replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'nginx',
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.15.12', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...extra,
    },
  };
}

const names = (c: TestCluster) => podsOf(c, 'web-').map((p) => p.metadata.name).sort();

describe('StatefulSet controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('creates ordered pods with stable names and claims, keeps claims on scale down, scales down in reverse', async () => {
    c = startTestCluster();
    c.create(REFS.statefulSets, statefulSet(3));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 3, '3 pods');
    expect(names(c)).toEqual(['web-0', 'web-1', 'web-2']);
    const created = c.events('SuccessfulCreate').filter((e) => (e.involvedObject as any).kind === 'StatefulSet').map((e) => String(e.message));
    expect(created.filter((m) => m.startsWith('create Pod'))).toEqual(['create Pod web-0 in StatefulSet web successful', 'create Pod web-1 in StatefulSet web successful', 'create Pod web-2 in StatefulSet web successful']);
    expect(created).toContain('create Claim www-web-0 Pod web-0 in StatefulSet web success');
    const pod0 = c.get(REFS.pods, 'default', 'web-0')!;
    expect((pod0.spec as any).hostname).toBe('web-0');
    expect((pod0.spec as any).subdomain).toBe('nginx');
    expect((pod0.spec as any).volumes).toEqual(expect.arrayContaining([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]));
    expect(pod0.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(pod0.metadata.labels!['controller-revision-hash']).toMatch(/^web-[a-z0-9]+$/);
    // Claims are bound through dynamic provisioning with the default class.
    await waitFor(() => c.list(REFS.pvcs, 'default').filter((p) => (p.status as any)?.phase === 'Bound').length === 3, 'claims bound');
    const pvc = c.get(REFS.pvcs, 'default', 'www-web-1')!;
    expect((pvc.spec as any).storageClassName).toBe('standard');
    expect((pvc.spec as any).volumeName).toBe(`pvc-${pvc.metadata.uid}`);

    const s = c.get(REFS.statefulSets, 'default', 'web')!;
    (s.spec as any).replicas = 1;
    c.update(REFS.statefulSets, s);
    await waitFor(() => names(c).join() === 'web-0', 'scaled down');
    const deletes = c.events('SuccessfulDelete').map((e) => e.message);
    expect(deletes.indexOf('delete Pod web-2 in StatefulSet web successful')).toBeLessThan(deletes.indexOf('delete Pod web-1 in StatefulSet web successful'));
    expect(c.list(REFS.pvcs, 'default').map((p) => p.metadata.name).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    const st = await waitFor(() => {
      const st = c.get(REFS.statefulSets, 'default', 'web')!;
      return (st.status as any)?.replicas === 1 ? st : undefined;
    }, 'status');
    expect(st.status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1 });
  });

  it('waits for each pod to be ready before the next (OrderedReady) and recreates a deleted pod with the same name', async () => {
    c = startTestCluster({ kubelet: { badImages: ['nginx:bad'] } });
    const s = statefulSet(3);
    (s.spec as any).template.spec.containers[0].image = 'nginx:bad';
    c.create(REFS.statefulSets, s);
    await waitFor(() => names(c).join() === 'web-0', 'web-0 only');
    await new Promise((r) => setTimeout(r, 200));
    expect(names(c)).toEqual(['web-0']);
    c.stop();

    c = startTestCluster();
    c.create(REFS.statefulSets, statefulSet(2, { podManagementPolicy: 'Parallel' }));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 2, 'parallel');
    const uid = c.get(REFS.pods, 'default', 'web-1')!.metadata.uid;
    c.store.delete(REFS.pods, 'default', 'web-1');
    await waitFor(() => {
      const p = c.get(REFS.pods, 'default', 'web-1');
      return p && p.metadata.uid !== uid && isRunningReady(p);
    }, 'web-1 recreated');
  });

  it('rolls a new template in reverse ordinal order', async () => {
    c = startTestCluster();
    c.create(REFS.statefulSets, statefulSet(3));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 3, '3 pods');
    const s = c.get(REFS.statefulSets, 'default', 'web')!;
    (s.spec as any).template.spec.containers[0].image = 'nginx:1.16.0';
    c.update(REFS.statefulSets, s);
    await waitFor(() => {
      const pods = podsOf(c, 'web-');
      return pods.length === 3 && pods.every((p) => isRunningReady(p) && (p.spec as any).containers[0].image === 'nginx:1.16.0');
    }, 'rolled');
    const deletes = c.events('SuccessfulDelete').map((e) => e.message);
    expect(deletes).toEqual(['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful', 'delete Pod web-0 in StatefulSet web successful']);
    const st = await waitFor(() => {
      const st = c.get(REFS.statefulSets, 'default', 'web')!;
      return (st.status as any)?.currentRevision === (st.status as any)?.updateRevision && (st.status as any)?.updatedReplicas === 3 ? st : undefined;
    }, 'status revisions');
    expect(st.status).toMatchObject({ replicas: 3, currentReplicas: 3, updatedReplicas: 3 });
  });
});

describe('PersistentVolume controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  const pv = (name: string, size: string, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, storageClassName: 'manual', ...extra },
  });
  const pvc = (name: string, size: string, cls?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...(cls !== undefined ? { storageClassName: cls } : {}) },
  });

  it('creates the default StorageClass and binds statically to the smallest fitting volume', async () => {
    c = startTestCluster();
    const sc = await waitFor(() => c.get(REFS.storageClasses, undefined, 'standard'), 'default class');
    expect(sc.metadata.annotations!['storageclass.kubernetes.io/is-default-class']).toBe('true');
    c.create(REFS.pvs, pv('big', '10Gi'));
    c.create(REFS.pvs, pv('small', '2Gi'));
    c.create(REFS.pvs, pv('tiny', '500Mi'));
    await waitFor(() => c.list(REFS.pvs).every((v) => (v.status as any)?.phase === 'Available'), 'available');
    c.create(REFS.pvcs, pvc('claim', '1Gi', 'manual'));
    const bound = await waitFor(() => {
      const x = c.get(REFS.pvcs, 'default', 'claim')!;
      return (x.status as any)?.phase === 'Bound' ? x : undefined;
    }, 'bound');
    expect((bound.spec as any).volumeName).toBe('small');
    expect(bound.status).toMatchObject({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    expect((c.get(REFS.pvs, undefined, 'small')!.spec as any).claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'claim' });
    await waitFor(() => (c.get(REFS.pvs, undefined, 'small')!.status as any).phase === 'Bound', 'pv bound');
    // Retain: deleting the claim releases the volume.
    c.store.delete(REFS.pvcs, 'default', 'claim');
    await waitFor(() => (c.get(REFS.pvs, undefined, 'small')!.status as any).phase === 'Released', 'released');
  });

  it('provisions dynamically with the default class and deletes the volume with the claim', async () => {
    c = startTestCluster();
    await waitFor(() => c.get(REFS.storageClasses, undefined, 'standard'), 'default class');
    c.create(REFS.pvcs, pvc('data', '3Gi'));
    const bound = await waitFor(() => {
      const x = c.get(REFS.pvcs, 'default', 'data')!;
      return (x.status as any)?.phase === 'Bound' ? x : undefined;
    }, 'bound');
    const volume = c.get(REFS.pvs, undefined, (bound.spec as any).volumeName)!;
    expect(volume.spec).toMatchObject({ storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete', capacity: { storage: '3Gi' } });
    c.store.delete(REFS.pvcs, 'default', 'data');
    await waitFor(() => !c.get(REFS.pvs, undefined, volume.metadata.name!), 'volume deleted');
  });

  it('leaves a claim Pending with an event when nothing fits and no class is set', async () => {
    c = startTestCluster();
    c.create(REFS.pvcs, pvc('lonely', '1Gi', ''));
    await waitFor(() => c.events('FailedBinding').some((e) => e.message === 'no persistent volumes available for this claim and no storage class is set'), 'event');
    expect((c.get(REFS.pvcs, 'default', 'lonely')!.status as any).phase).toBe('Pending');
  });
});
