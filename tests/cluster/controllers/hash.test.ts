import { canonicalJSON, computeHash, safeEncodeString, semanticEqual } from '@/sandbox/cluster/controllers/util/hash';
import { scaledValue } from '@/sandbox/cluster/controllers/util/intstr';
import { maxSurge, maxUnavailable } from '@/sandbox/cluster/controllers/deployment/util';
import type { KubeObject } from '@/sandbox/cluster/store/types';

describe('pod-template-hash and rollout arithmetic', () => {
  it('encodes decimal digits with the safe alphabet like rand.SafeEncodeString', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('hashes equal templates equally regardless of key order or empty fields', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [] }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'nginx' }] }, metadata: { labels: { app: 'web' }, annotations: {} } };
    expect(canonicalJSON(a)).toBe(canonicalJSON(b));
    expect(computeHash(a)).toBe(computeHash(b));
    expect(semanticEqual(a, b)).toBe(true);
    expect(computeHash(a)).toMatch(/^[4-9bcdf]{6,10}$/);
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash({ ...a, spec: { containers: [{ name: 'nginx', image: 'nginx:1.16.0' }] } })).not.toBe(computeHash(a));
  });

  it('rounds surge up and unavailable down, with the both-zero fencepost', () => {
    expect(scaledValue('25%', 3, true)).toBe(1);
    expect(scaledValue('25%', 3, false)).toBe(0);
    expect(scaledValue(2, 3, true)).toBe(2);
    expect(() => scaledValue('abc', 3, true)).toThrow(/must be an integer or a percentage/);
    const d = (replicas: number, ru: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: ru } } });
    expect(maxSurge(d(3, {}))).toBe(1);
    expect(maxUnavailable(d(3, {}))).toBe(0);
    expect(maxUnavailable(d(1, { maxSurge: 0, maxUnavailable: '10%' }))).toBe(1);
    expect(maxUnavailable(d(10, { maxUnavailable: '25%' }))).toBe(2);
    expect(maxSurge(d(10, { maxSurge: '25%' }))).toBe(3);
  });
});
