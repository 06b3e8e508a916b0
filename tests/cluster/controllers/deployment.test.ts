import type { KubeObject } from '@/sandbox/cluster/store/types';
import { deployment, isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from './harness';

const REV = 'deployment.kubernetes.io/revision';

function rsOf(c: TestCluster, name: string): KubeObject[] {
  return c.list(REFS.replicaSets, 'default').filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name));
}

function nodeCounts(pods: KubeObject[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pods) {
    const n = (p.spec as any).nodeName ?? '';
    out[n] = (out[n] ?? 0) + 1;
  }
  return out;
}

function running(c: TestCluster, prefix: string): KubeObject[] {
  return podsOf(c, prefix).filter(isRunningReady);
}

/** What `kubectl rollout undo` does client-side: copy the target RS's template and annotations. */
function rolloutUndo(c: TestCluster, name: string, toRevision?: number): void {
  const sets = rsOf(c, name).sort((a, b) => Number(a.metadata.annotations![REV]) - Number(b.metadata.annotations![REV]));
  const target = toRevision ? sets.find((rs) => Number(rs.metadata.annotations![REV]) === toRevision)! : sets[sets.length - 2];
  const d = c.get(REFS.deployments, 'default', name)!;
  const template = structuredClone((target.spec as any).template);
  delete template.metadata.labels['pod-template-hash'];
  (d.spec as any).template = template;
  const skip = ['kubectl.kubernetes.io/last-applied-configuration', REV, 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to'];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (skip.includes(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!skip.includes(k)) annotations[k] = v;
  d.metadata.annotations = annotations;
  c.update(REFS.deployments, d);
}

describe('Deployment + ReplicaSet controllers with the scheduler', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('creates a ReplicaSet named by the template hash and spreads 3 pods over the workers', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('web', { replicas: 3 }));
    await waitFor(() => running(c, 'web-').length === 3, '3 running pods');
    const [rs] = rsOf(c, 'web');
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdf4-9]{6,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.annotations).toMatchObject({ [REV]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs.metadata.ownerReferences![0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    const pods = running(c, 'web-');
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata.labels).toMatchObject({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences![0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
    }
    expect(nodeCounts(pods)).toEqual({ 'w1-k8s': 1, 'w2-k8s': 1, 'w3-k8s': 1 });
    const d = await waitFor(() => {
      const d = c.get(REFS.deployments, 'default', 'web')!;
      return (d.status as any)?.availableReplicas === 3 && (d.status as any).conditions?.some((x: any) => x.type === 'Progressing' && x.reason === 'NewReplicaSetAvailable') ? d : undefined;
    }, 'deployment available');
    expect(d.metadata.annotations![REV]).toBe('1');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1, terminatingReplicas: 0 });
    expect(rsOf(c, 'web')[0].status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1, terminatingReplicas: 0 });
    expect((d.status as any).conditions.find((x: any) => x.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect((d.status as any).conditions.find((x: any) => x.type === 'Progressing').message).toBe(`ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
    expect(c.events('ScalingReplicaSet').map((e) => e.message)).toContain(`Scaled up replica set ${rs.metadata.name} from 0 to 3`);
    expect(c.events('SuccessfulCreate').length).toBe(3);
  });

  it('gives the same template the same hash, scales evenly, and replaces deleted pods', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('echo', { replicas: 3 }));
    await waitFor(() => running(c, 'echo-').length === 3, '3 pods');
    const firstHash = rsOf(c, 'echo')[0].metadata.labels!['pod-template-hash'];

    const d = c.get(REFS.deployments, 'default', 'echo')!;
    (d.spec as any).replicas = 9;
    c.update(REFS.deployments, d);
    await waitFor(() => running(c, 'echo-').length === 9, '9 pods');
    expect(nodeCounts(running(c, 'echo-'))).toEqual({ 'w1-k8s': 3, 'w2-k8s': 3, 'w3-k8s': 3 });
    expect(c.events('ScalingReplicaSet').map((e) => e.message)).toContain(`Scaled up replica set echo-${firstHash} from 3 to 9`);

    const d2 = c.get(REFS.deployments, 'default', 'echo')!;
    (d2.spec as any).replicas = 3;
    c.update(REFS.deployments, d2);
    await waitFor(() => podsOf(c, 'echo-').length === 3, 'scaled down to 3');
    expect(nodeCounts(podsOf(c, 'echo-'))).toEqual({ 'w1-k8s': 1, 'w2-k8s': 1, 'w3-k8s': 1 });

    const victim = podsOf(c, 'echo-')[0].metadata.name!;
    c.store.delete(REFS.pods, 'default', victim);
    await waitFor(() => running(c, 'echo-').length === 3 && !podsOf(c, 'echo-').some((p) => p.metadata.name === victim), 'replacement pod');

    // Delete and re-create from the same template: same hash (B8).
    c.store.delete(REFS.deployments, 'default', 'echo', { propagationPolicy: 'Background' });
    await waitFor(() => podsOf(c, 'echo-').length === 0 && rsOf(c, 'echo').length === 0 && c.list(REFS.replicaSets, 'default').length === 0, 'garbage collected');
    c.create(REFS.deployments, deployment('echo', { replicas: 1 }));
    await waitFor(() => rsOf(c, 'echo').length === 1, 'new rs');
    expect(rsOf(c, 'echo')[0].metadata.labels!['pod-template-hash']).toBe(firstHash);
  });

  it('rolls out a new image, stalls on a bad one keeping old pods, and rolls back with renumbered revisions', async () => {
    c = startTestCluster({ kubelet: { badImages: ['nginx:1.17.23'] } });
    const d0 = deployment('rollout-nginx', { replicas: 3, image: 'nginx:1.15.12', labels: { app: 'nginx' } });
    d0.metadata.annotations = { 'kubernetes.io/change-cause': 'kubectl apply --filename=rollout-nginx.yaml --record=true' };
    c.create(REFS.deployments, d0);
    await waitFor(() => running(c, 'rollout-nginx-').length === 3, 'rev 1 running');

    const setImage = (image: string) => {
      const d = c.get(REFS.deployments, 'default', 'rollout-nginx')!;
      (d.spec as any).template.spec.containers[0].image = image;
      d.metadata.annotations!['kubernetes.io/change-cause'] = `kubectl set image deployment rollout-nginx nginx=${image} --record=true`;
      c.update(REFS.deployments, d);
    };
    setImage('nginx:1.16.0');
    await waitFor(() => {
      const pods = running(c, 'rollout-nginx-');
      return pods.length === 3 && podsOf(c, 'rollout-nginx-').length === 3 && pods.every((p) => (p.spec as any).containers[0].image === 'nginx:1.16.0');
    }, 'rev 2 rolled out');
    expect(nodeCounts(running(c, 'rollout-nginx-'))).toEqual({ 'w1-k8s': 1, 'w2-k8s': 1, 'w3-k8s': 1 });
    const byRev = () => Object.fromEntries(rsOf(c, 'rollout-nginx').map((rs) => [rs.metadata.annotations![REV], rs]));
    expect(Object.keys(byRev()).sort()).toEqual(['1', '2']);
    expect((byRev()['1'].spec as any).replicas).toBe(0);
    expect(byRev()['2'].metadata.annotations!['kubernetes.io/change-cause']).toBe('kubectl set image deployment rollout-nginx nginx=nginx:1.16.0 --record=true');
    const rev2Name = byRev()['2'].metadata.name;

    setImage('nginx:1.17.23');
    await waitFor(() => byRev()['3'] && podsOf(c, byRev()['3'].metadata.name + '-').length === 1, 'one bad pod');
    await new Promise((r) => setTimeout(r, 300));
    // maxSurge 25% of 3 rounds up to 1, maxUnavailable rounds down to 0: the 3 old pods stay.
    expect(podsOf(c, byRev()['3'].metadata.name + '-').length).toBe(1);
    expect(running(c, rev2Name + '-').length).toBe(3);
    const stuck = c.get(REFS.deployments, 'default', 'rollout-nginx')!;
    expect(stuck.status).toMatchObject({ replicas: 4, updatedReplicas: 1, availableReplicas: 3, unavailableReplicas: 1 });

    rolloutUndo(c, 'rollout-nginx');
    await waitFor(() => podsOf(c, 'rollout-nginx-').length === 3 && running(c, rev2Name + '-').length === 3, 'undo done');
    expect(Object.keys(byRev()).sort()).toEqual(['1', '3', '4']);
    expect(byRev()['4'].metadata.name).toBe(rev2Name);
    expect(byRev()['4'].metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('2');
    expect(byRev()['4'].metadata.annotations!['kubernetes.io/change-cause']).toBe('kubectl set image deployment rollout-nginx nginx=nginx:1.16.0 --record=true');
    await waitFor(() => c.get(REFS.deployments, 'default', 'rollout-nginx')!.metadata.annotations![REV] === '4', 'deployment revision 4');

    rolloutUndo(c, 'rollout-nginx', 1);
    await waitFor(() => {
      const pods = running(c, 'rollout-nginx-');
      return podsOf(c, 'rollout-nginx-').length === 3 && pods.length === 3 && pods.every((p) => (p.spec as any).containers[0].image === 'nginx:1.15.12');
    }, 'back to 1.15.12');
    expect(Object.keys(byRev()).sort()).toEqual(['3', '4', '5']);
  });

  it('reports ProgressDeadlineExceeded when a rollout makes no progress', async () => {
    c = startTestCluster({ kubelet: { badImages: ['nginx:bad'] } });
    c.create(REFS.deployments, deployment('slow', { replicas: 2, extra: { progressDeadlineSeconds: 1 } }));
    await waitFor(() => running(c, 'slow-').length === 2, 'running');
    const d = c.get(REFS.deployments, 'default', 'slow')!;
    (d.spec as any).template.spec.containers[0].image = 'nginx:bad';
    c.update(REFS.deployments, d);
    const cond = await waitFor(() => ((c.get(REFS.deployments, 'default', 'slow')!.status as any).conditions ?? []).find((x: any) => x.type === 'Progressing' && x.reason === 'ProgressDeadlineExceeded'), 'deadline exceeded', 20000);
    expect(cond.status).toBe('False');
    expect(cond.message).toMatch(/^ReplicaSet "slow-[a-z0-9]+" has timed out progressing\.$/);
  });

  it('uses Recreate: old pods go before new ones come', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('rec', { replicas: 2, strategy: { type: 'Recreate' } }));
    await waitFor(() => running(c, 'rec-').length === 2, 'running');
    const d = c.get(REFS.deployments, 'default', 'rec')!;
    (d.spec as any).template.spec.containers[0].image = 'nginx:1.16.0';
    c.update(REFS.deployments, d);
    await waitFor(() => running(c, 'rec-').length === 2 && running(c, 'rec-').every((p) => (p.spec as any).containers[0].image === 'nginx:1.16.0'), 'recreated');
    const msgs = c.events('ScalingReplicaSet').map((e) => String(e.message));
    const down = msgs.findIndex((m) => / from 2 to 0$/.test(m));
    const up = msgs.findIndex((m) => /from 0 to 2$/.test(m) && msgs.indexOf(m) > 0);
    expect(down).toBeGreaterThanOrEqual(0);
    expect(up).toBeGreaterThan(down);
  });

  it('pauses and resumes, and keeps only revisionHistoryLimit old ReplicaSets', async () => {
    c = startTestCluster();
    c.create(REFS.deployments, deployment('p', { replicas: 1, extra: { revisionHistoryLimit: 1 } }));
    await waitFor(() => running(c, 'p-').length === 1, 'running');
    for (const tag of ['1.1', '1.2', '1.3']) {
      const d = c.get(REFS.deployments, 'default', 'p')!;
      (d.spec as any).template.spec.containers[0].image = `nginx:${tag}`;
      c.update(REFS.deployments, d);
      await waitFor(() => running(c, 'p-').length === 1 && podsOf(c, 'p-').length === 1 && (running(c, 'p-')[0].spec as any).containers[0].image === `nginx:${tag}`, `rolled to ${tag}`);
    }
    await waitFor(() => rsOf(c, 'p').length === 2, 'history trimmed to 1 old RS');
    const d = c.get(REFS.deployments, 'default', 'p')!;
    (d.spec as any).paused = true;
    c.update(REFS.deployments, d);
    await waitFor(() => ((c.get(REFS.deployments, 'default', 'p')!.status as any).conditions ?? []).some((x: any) => x.reason === 'DeploymentPaused'), 'paused condition');
    const d2 = c.get(REFS.deployments, 'default', 'p')!;
    (d2.spec as any).template.spec.containers[0].image = 'nginx:paused';
    c.update(REFS.deployments, d2);
    await new Promise((r) => setTimeout(r, 200));
    // Paused: no new ReplicaSet for the changed template, the running one keeps its pod.
    expect(rsOf(c, 'p').some((rs) => (rs.spec as any).template.spec.containers[0].image === 'nginx:paused')).toBe(false);
    expect(running(c, 'p-').map((p) => (p.spec as any).containers[0].image)).toEqual(['nginx:1.3']);
    const d3 = c.get(REFS.deployments, 'default', 'p')!;
    (d3.spec as any).paused = false;
    c.update(REFS.deployments, d3);
    await waitFor(() => running(c, 'p-').length === 1 && (running(c, 'p-')[0].spec as any).containers[0].image === 'nginx:paused', 'resumed rollout');
  });
});

describe('proportional scaling during a rollout', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('spreads a scale-up over the old and new ReplicaSets like upstream', async () => {
    c = startTestCluster({ kubelet: { badImages: ['nginx:bad'] } });
    c.create(REFS.deployments, deployment('prop', { replicas: 10 }));
    await waitFor(() => running(c, 'prop-').length === 10, '10 running');
    const d = c.get(REFS.deployments, 'default', 'prop')!;
    (d.spec as any).template.spec.containers[0].image = 'nginx:bad';
    c.update(REFS.deployments, d);
    const sizes = () => Object.fromEntries(rsOf(c, 'prop').map((rs) => [(rs.spec as any).template.spec.containers[0].image, (rs.spec as any).replicas]));
    await waitFor(() => sizes()['nginx'] === 8 && sizes()['nginx:bad'] === 5, 'stuck at 8 old + 5 new');
    await new Promise((r) => setTimeout(r, 200));
    expect(sizes()).toEqual({ nginx: 8, 'nginx:bad': 5 });
    const d2 = c.get(REFS.deployments, 'default', 'prop')!;
    (d2.spec as any).replicas = 20;
    c.update(REFS.deployments, d2);
    await waitFor(() => sizes()['nginx'] === 15 && sizes()['nginx:bad'] === 10, 'proportionally scaled to 15 + 10');
    const rs = rsOf(c, 'prop')[0];
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '25' });
  });
});
