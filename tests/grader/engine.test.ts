import { gradeChecks, type CheckResult } from '@/lib/grader/engine';
import { checkSchema, type Check } from '@/lib/grader/schema';
import { compare, describeComparator } from '@/lib/grader/comparator';
import type { KubeReader } from '@/lib/grader/targets';
import { deployment, fixtureKube, fixtureSandbox } from './fixtures';

const parse = (raw: Record<string, unknown>): Check => checkSchema.parse(raw);

describe('engine', () => {
  it('weights give partial credit and results stream as they finish', async () => {
    const seen: CheckResult[] = [];
    const result = await gradeChecks(
      [parse({ type: 'k8s.exists', kind: 'Deployment', name: 'web', weight: 2 }), parse({ type: 'k8s.exists', kind: 'Deployment', name: 'api', id: 'api' })],
      { kube: fixtureKube([deployment('web', { replicas: 1, ready: 1 })]) },
      { onResult: (r) => seen.push(r) },
    );
    expect(result.passed).toBe(false);
    expect(result.score).toBe(2);
    expect(result.maxScore).toBe(3);
    expect(result.checks.map((c) => c.id)).toEqual(['1', 'api']);
    expect(seen).toHaveLength(2);
  });

  it('waits up to the check timeout for eventual state', async () => {
    const objects = [deployment('web', { replicas: 3, ready: 1 })];
    const kube = fixtureKube(objects);
    setTimeout(() => {
      (objects[0].status as { readyReplicas: number }).readyReplicas = 3;
    }, 120);
    const result = await gradeChecks([parse({ type: 'k8s.ready', kind: 'Deployment', name: 'web', timeout: '2s' })], { kube }, { pollMs: 20 });
    expect(result.passed).toBe(true);
    expect(kube.calls).toBeGreaterThan(2);
  });

  it('a stuck check times out with a clear message', async () => {
    const stuck: KubeReader = { get: () => new Promise(() => undefined), list: () => new Promise(() => undefined) };
    const result = await gradeChecks([parse({ type: 'k8s.exists', kind: 'Pod', name: 'x' })], { kube: stuck }, { deadlineMs: 100 });
    expect(result.checks[0].passed).toBe(false);
    expect(result.checks[0].message).toBe('Could not check: the check did not finish within 100 ms (the sandbox may be overloaded or unreachable)');
    const slow = await gradeChecks([parse({ type: 'k8s.exists', kind: 'Pod', name: 'x' })], { kube: stuck }, { deadlineMs: 1500 });
    expect(slow.checks[0].error).toBe('the check did not finish within 1.5s (the sandbox may be overloaded or unreachable)');
  });

  it('a missing facility is reported, not thrown', async () => {
    const result = await gradeChecks([parse({ type: 'docker.volume', name: 'x' })], { sandbox: fixtureSandbox(() => ({ exitCode: 0 })) });
    expect(result.checks[0].message).toBe('Could not check: this sandbox has no Docker daemon (the lesson needs the docker or full profile)');
  });

  it('API errors are reported with their message', async () => {
    const failing: KubeReader = { get: async () => Promise.reject(new Error('Kubernetes API: connection refused')), list: async () => [] };
    const result = await gradeChecks([parse({ type: 'k8s.exists', kind: 'Pod', name: 'x' })], { kube: failing });
    expect(result.checks[0].error).toBe('could not read the sandbox state: Kubernetes API: connection refused');
  });
});

describe('schema', () => {
  const issues = (raw: unknown) => {
    const r = checkSchema.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('suggests the closest type for a typo', () => {
    expect(issues({ type: 'k8s.exist', kind: 'Pod', name: 'x' })).toEqual(['type: unknown check type "k8s.exist" (did you mean "k8s.exists"?)']);
  });
  it('rejects unknown fields, bad durations and ambiguous targets', () => {
    expect(issues({ type: 'k8s.exists', kind: 'Pod', name: 'x', nmae: 'y' })).toEqual([': Unrecognized key: "nmae"']);
    expect(issues({ type: 'k8s.exists', kind: 'Pod', name: 'x', timeout: '10 seconds' })).toEqual(['timeout: a duration such as 500ms, 30s or 2m']);
    expect(issues({ type: 'k8s.exists', kind: 'Pod', name: 'x', selector: 'a=b' })).toEqual([': give exactly one of name or selector']);
    expect(issues({ type: 'k8s.ready', kind: 'Deployment', name: 'web', replicas: { atLeast: 3 } })[0]).toBe('replicas: Unrecognized key: "atLeast"');
  });
});

describe('comparators', () => {
  it('compare numbers, strings, regexes and lists', () => {
    expect(compare('3', 3)).toBe(true);
    expect(compare(3, { gte: 3, lt: 4 })).toBe(true);
    expect(compare(['a', 'b'], { contains: 'b' })).toBe(true);
    expect(compare('nginx:1.27', { matches: '1\\.27$' })).toBe(true);
    expect(compare('x', { not: 'x' })).toBe(false);
    expect(compare(true, 'true')).toBe(true);
    expect(describeComparator({ gte: 2, lte: 4 })).toBe('at least 2 and at most 4');
  });
});
