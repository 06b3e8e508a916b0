import { gradeChecks } from '@/lib/grader/engine';
import { checkSchema, type Check } from '@/lib/grader/schema';
import { deployment, fixtureKube, pod, replicaSet } from './fixtures';
import type { KubeObject } from '@/lib/grader/targets';

const parse = (raw: Record<string, unknown>): Check => checkSchema.parse(raw);
async function grade(raw: Record<string, unknown>, objects: KubeObject[]) {
  const result = await gradeChecks([parse(raw)], { kube: fixtureKube(objects) });
  return result.checks[0];
}

const web3 = [
  deployment('web', { replicas: 3, ready: 3 }),
  pod('web-a', { labels: { app: 'web' }, node: 'w1-k8s', phase: 'Running' }),
  pod('web-b', { labels: { app: 'web' }, node: 'w2-k8s', phase: 'Running' }),
  pod('web-c', { labels: { app: 'web' }, node: 'w3-k8s', phase: 'Running' }),
];

describe('k8s.exists / k8s.absent', () => {
  it('passes when the named object exists and fails with what was found', async () => {
    expect((await grade({ type: 'k8s.exists', kind: 'Deployment', name: 'web' }, web3)).passed).toBe(true);
    const r = await grade({ type: 'k8s.exists', kind: 'Deployment', name: 'api' }, web3);
    expect(r.passed).toBe(false);
    expect(r.message).toBe('Expected Deployment "api" in namespace default to exist, found it does not exist');
  });
  it('counts objects by selector', async () => {
    expect((await grade({ type: 'k8s.exists', kind: 'Pod', selector: 'app=web', count: 3 }, web3)).passed).toBe(true);
    const r = await grade({ type: 'k8s.exists', kind: 'Pod', selector: 'app=web', count: { gte: 4 } }, web3);
    expect(r.message).toBe('Expected at least 4 Pod objects with labels app=web in namespace default, found 3 (web-a, web-b, web-c)');
  });
  it('absent passes only when nothing matches', async () => {
    expect((await grade({ type: 'k8s.absent', kind: 'Pod', name: 'nope' }, web3)).passed).toBe(true);
    const r = await grade({ type: 'k8s.absent', kind: 'Pod', selector: 'app=web' }, web3);
    expect(r.passed).toBe(false);
    expect(r.message).toBe('Expected no Pod objects with labels app=web in namespace default, found 3 (web-a, web-b, web-c)');
  });
  it('uses the author message when given', async () => {
    const r = await grade({ type: 'k8s.exists', kind: 'Deployment', name: 'api', fail: 'Create the api deployment first.' }, web3);
    expect(r.message).toBe('Create the api deployment first.');
    expect(r.found).toBe('it does not exist');
  });
});

describe('k8s.field', () => {
  it('compares a JSONPath value', async () => {
    expect((await grade({ type: 'k8s.field', kind: 'Deployment', name: 'web', path: '{.spec.replicas}', expect: 3 }, web3)).passed).toBe(true);
    expect((await grade({ type: 'k8s.field', kind: 'Deployment', name: 'web', path: 'spec.template.spec.containers[0].image', expect: { matches: '^nginx:1\\.2[5-9]$' } }, web3)).passed).toBe(true);
    const r = await grade({ type: 'k8s.field', kind: 'Deployment', name: 'web', path: 'spec.replicas', expect: { gt: 5 } }, web3);
    expect(r.message).toBe('Expected spec.replicas of Deployment "web" in namespace default to be more than 5, found 3');
  });
  it('counts list items and supports filters', async () => {
    expect((await grade({ type: 'k8s.field', kind: 'Deployment', name: 'web', path: 'spec.template.spec.containers', count: 1 }, web3)).passed).toBe(true);
    expect((await grade({ type: 'k8s.field', kind: 'Pod', name: 'web-a', path: '{.status.conditions[?(@.type=="Ready")].status}', expect: { contains: 'True' } }, web3)).passed).toBe(true);
  });
  it('with a selector: any object by default, every object with all', async () => {
    const mixed = [...web3, pod('web-d', { labels: { app: 'web' }, node: 'w1-k8s', phase: 'Pending' })];
    expect((await grade({ type: 'k8s.field', kind: 'Pod', selector: 'app=web', path: 'status.phase', expect: 'Running' }, mixed)).passed).toBe(true);
    const r = await grade({ type: 'k8s.field', kind: 'Pod', selector: 'app=web', path: 'status.phase', expect: 'Running', all: true }, mixed);
    expect(r.passed).toBe(false);
    expect(r.found).toBe('web-a: "Running", web-b: "Running", web-c: "Running", web-d: "Pending"');
  });
  it('reports a missing object', async () => {
    const r = await grade({ type: 'k8s.field', kind: 'Service', name: 'web', path: 'spec.type', expect: 'NodePort' }, web3);
    expect(r.message).toBe('Expected spec.type of Service "web" in namespace default to be "NodePort", found Service "web" does not exist');
  });
});

describe('k8s.ready / k8s.podsRunning', () => {
  it('passes when ready replicas reach the desired count', async () => {
    expect((await grade({ type: 'k8s.ready', kind: 'Deployment', name: 'web', replicas: 3 }, web3)).passed).toBe(true);
    expect((await grade({ type: 'k8s.ready', kind: 'Deployment', name: 'web' }, web3)).passed).toBe(true);
  });
  it('explains which pods are not ready', async () => {
    const broken = [
      deployment('web', { replicas: 3, ready: 1 }),
      pod('web-a', { labels: { app: 'web' }, node: 'w1-k8s', phase: 'Running' }),
      pod('web-b', { labels: { app: 'web' }, node: 'w2-k8s', phase: 'Pending', waiting: 'ImagePullBackOff' }),
      pod('web-c', { labels: { app: 'web' }, node: 'w3-k8s', phase: 'Pending', waiting: 'ImagePullBackOff' }),
    ];
    const r = await grade({ type: 'k8s.ready', kind: 'Deployment', name: 'web', replicas: 3 }, broken);
    expect(r.message).toBe('Expected 3 ready replicas of Deployment "web" in namespace default, found 1 ready; pods web-b, web-c are ImagePullBackOff');
  });
  it('podsRunning needs every pod Running and Ready', async () => {
    expect((await grade({ type: 'k8s.podsRunning', selector: 'app=web', count: 3 }, web3)).passed).toBe(true);
    const r = await grade({ type: 'k8s.podsRunning', selector: 'app=web', count: 3 }, [...web3.slice(0, 3), pod('web-c', { labels: { app: 'web' }, phase: 'Pending', waiting: 'ContainerCreating' })]);
    expect(r.message).toBe('Expected 3 pods with labels app=web in namespace default, all Running and Ready, found 3 pods; pod web-c is ContainerCreating');
  });
  it('ignores terminating pods', async () => {
    const r = await grade({ type: 'k8s.podsRunning', selector: 'app=web', count: 3 }, [...web3, pod('web-old', { labels: { app: 'web' }, phase: 'Running', terminating: true })]);
    expect(r.passed).toBe(true);
  });
});

describe('node, rollout, spread, endpoints', () => {
  const nodes: KubeObject[] = [
    { kind: 'Node', metadata: { name: 'w3-k8s' }, spec: { unschedulable: true } },
    { kind: 'Node', metadata: { name: 'w2-k8s' }, spec: {} },
  ];
  it('k8s.nodeUnschedulable', async () => {
    expect((await grade({ type: 'k8s.nodeUnschedulable', name: 'w3-k8s' }, nodes)).passed).toBe(true);
    const r = await grade({ type: 'k8s.nodeUnschedulable', name: 'w2-k8s' }, nodes);
    expect(r.message).toBe('Expected node w2-k8s to be unschedulable (cordoned), found it is schedulable');
    expect((await grade({ type: 'k8s.nodeUnschedulable', name: 'w2-k8s', expect: false }, nodes)).passed).toBe(true);
  });
  it('k8s.rollout counts owned ReplicaSets and reads the current image', async () => {
    const state = [deployment('web', { replicas: 3, ready: 3, image: 'nginx:1.27', uid: 'u1' }), replicaSet('web-1', 'u1', 1), replicaSet('web-2', 'u1', 2), replicaSet('other', 'u2', 1)];
    expect((await grade({ type: 'k8s.rollout', name: 'web', revisions: { gte: 2 }, image: 'nginx:1.27' }, state)).passed).toBe(true);
    const r = await grade({ type: 'k8s.rollout', name: 'web', revisions: { gte: 3 }, image: 'nginx:1.25' }, state);
    expect(r.message).toBe('Expected Deployment "web" in namespace default with at least 3 revisions and image "nginx:1.25", found 2 revisions, image "nginx:1.27"');
  });
  it('k8s.spread counts distinct nodes of running pods', async () => {
    expect((await grade({ type: 'k8s.spread', selector: 'app=web', nodes: { gte: 3 } }, web3)).passed).toBe(true);
    const r = await grade({ type: 'k8s.spread', selector: 'app=web', nodes: { gte: 4 } }, web3);
    expect(r.found).toBe('3 running pods on 3 nodes (w1-k8s, w2-k8s, w3-k8s)');
  });
  it('k8s.endpoints counts ready addresses', async () => {
    const state: KubeObject[] = [
      { kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '172.16.1.2' }, { ip: '172.16.2.2' }] }] },
    ];
    expect((await grade({ type: 'k8s.endpoints', service: 'web', ready: 2 }, state)).passed).toBe(true);
    const r = await grade({ type: 'k8s.endpoints', service: 'web', ready: 3 }, state);
    expect(r.message).toBe('Expected Service "web" in namespace default to select 3 ready endpoints, found 2 ready endpoints (selector app=web)');
  });
});
