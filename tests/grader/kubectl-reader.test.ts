// The kubectl-inside-the-sandbox KubeReader (Docker-driver sandboxes) grades a real mini-cluster
// exactly like the client-node reader does.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gradeChecks } from '@/lib/grader/engine';
import { checkSchema } from '@/lib/grader/schema';
import { kubectlResource } from '@/lib/grader/sources/kubectl';
import { targetsFor } from '@/lib/submissions/targets';
import { LocalDriver } from '@/sandbox/drivers/local';

const driver = new LocalDriver({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'kubelab-kubectl-reader-')), clusterTimeScale: 0.05 });
const id = 'kubectl-reader';
afterAll(() => driver.stop(id));

it('maps kinds to kubectl resources', () => {
  expect(kubectlResource('Pod')).toBe('pod');
  expect(kubectlResource('Deployment')).toBe('deployment.v1.apps');
  expect(kubectlResource('Ingress')).toBe('ingress.v1.networking.k8s.io');
  expect(kubectlResource('Widget', 'example.com/v1alpha1')).toBe('widget.v1alpha1.example.com');
});

it('kubectl and client-node readers agree on passing and failing checks', async () => {
  const info = await driver.create({ id, userId: id, profile: 'kubernetes', setup: ['kubectl create deployment web --image=nginx --replicas=2', 'kubectl expose deployment web --port=80'] });
  expect(info.state).toBe('running');
  const exec = (c: string, o: { timeoutMs: number }) => driver.exec(id, c, o);
  const viaKubectl = targetsFor({ id: `${id}-kubectl`, profile: 'kubernetes', exec });
  const viaApi = targetsFor({ id, profile: 'kubernetes', kubeconfigPath: info.kubeconfigPath, exec });
  const checks = [
    { id: 'ready', type: 'k8s.ready', kind: 'Deployment', name: 'web', replicas: 2, timeout: '30s' },
    { id: 'pods', type: 'k8s.podsRunning', selector: 'app=web', count: 2, timeout: '30s' },
    { id: 'endpoints', type: 'k8s.endpoints', service: 'web', ready: 2, timeout: '30s' },
    { id: 'node', type: 'k8s.nodeUnschedulable', name: 'w3-k8s', expect: false },
    { id: 'missing', type: 'k8s.exists', kind: 'Deployment', name: 'api', fail: 'no api' },
    { id: 'absent', type: 'k8s.absent', kind: 'Service', name: 'api' },
  ].map((c) => checkSchema.parse(c));
  const a = await gradeChecks(checks, viaKubectl);
  const b = await gradeChecks(checks, viaApi);
  const summary = (r: typeof a) => r.checks.map((c) => [c.id, c.passed, c.error ?? null]);
  expect(summary(a)).toEqual([
    ['ready', true, null],
    ['pods', true, null],
    ['endpoints', true, null],
    ['node', true, null],
    ['missing', false, null],
    ['absent', true, null],
  ]);
  expect(summary(b)).toEqual(summary(a));
  expect(a.checks.map((c) => c.message)).toEqual(b.checks.map((c) => c.message));
}, 120_000);
