import { shareReads } from '@/lib/grader/sources/memo';
import { gradeChecks } from '@/lib/grader/engine';
import { checkSchema } from '@/lib/grader/schema';
import { deployment, fixtureKube, pod } from './fixtures';

describe('shared reads within a grading', () => {
  it('five checks over one Deployment and its pods cost two API reads', async () => {
    const kube = fixtureKube([deployment('web', { replicas: 2, ready: 2 }), pod('web-a', { labels: { app: 'web' }, phase: 'Running', node: 'w1-k8s' }), pod('web-b', { labels: { app: 'web' }, phase: 'Running', node: 'w2-k8s' })]);
    const checks = [
      { type: 'k8s.exists', kind: 'Deployment', name: 'web' },
      { type: 'k8s.field', kind: 'Deployment', name: 'web', path: 'spec.replicas', expect: 2 },
      { type: 'k8s.ready', kind: 'Deployment', name: 'web', replicas: 2 },
      { type: 'k8s.podsRunning', selector: 'app=web', count: 2 },
      { type: 'k8s.spread', selector: 'app=web', nodes: 2 },
    ].map((c) => checkSchema.parse(c));
    const result = await gradeChecks(checks, { kube: shareReads(kube) });
    expect(result.passed).toBe(true);
    expect(kube.calls).toBe(2);
  });

  it('reads again after the window, and does not share failures', async () => {
    let calls = 0;
    const flaky = {
      async get() {
        calls++;
        if (calls === 1) throw new Error('connection reset');
        return { kind: 'Node', metadata: { name: 'w1-k8s' } };
      },
      async list() {
        return [];
      },
    };
    const shared = shareReads(flaky, 30);
    await expect(shared.get('Node', 'w1-k8s')).rejects.toThrow('connection reset');
    await new Promise((r) => setImmediate(r));
    expect(await shared.get('Node', 'w1-k8s')).toMatchObject({ kind: 'Node' });
    expect(await shared.get('Node', 'w1-k8s')).toMatchObject({ kind: 'Node' });
    expect(calls).toBe(2);
    await new Promise((r) => setTimeout(r, 40));
    await shared.get('Node', 'w1-k8s');
    expect(calls).toBe(3);
  });
});
