// Patch semantics, checked against what Kubernetes does for the same patches.
import { StatusError } from '@/sandbox/cluster/api/errors';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '@/sandbox/cluster/apiserver/patch';

const deployment = () => ({
  metadata: { name: 'd', labels: { app: 'web', tier: 'fe' }, finalizers: ['a'] },
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
          { name: 'side', image: 'busybox', args: ['sleep', '1'] },
        ],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    },
  },
});

describe('strategic merge patch', () => {
  it('merges lists by their merge keys and replaces atomic lists', () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox:1.36', args: ['sleep', '2'] }, { name: 'new', image: 'redis' }] } } },
    }) as ReturnType<typeof deployment>;
    const containers = out.spec.template.spec.containers as { name: string; image: string; args?: string[]; env?: unknown[] }[];
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['web=nginx:1.25', 'side=busybox:1.36', 'new=redis']);
    expect(containers[1].args).toEqual(['sleep', '2']);
    expect(containers[0].env).toHaveLength(2);
  });

  it('honours $patch delete, $setElementOrder, $retainKeys, $deleteFromPrimitiveList and null', () => {
    const out = applyStrategicMergePatch(deployment(), {
      metadata: { labels: { tier: null }, '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }],
            containers: [{ name: 'web', '$setElementOrder/env': [{ name: 'B' }], env: [{ name: 'A', $patch: 'delete' }] }],
            volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/data' } }],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect(out.metadata.finalizers).toBeUndefined();
    const containers = out.spec.template.spec.containers as { name: string; env?: { name: string }[] }[];
    expect(containers.map((c) => c.name)).toEqual(['side', 'web']);
    expect(containers[1].env).toEqual([{ name: 'B', value: '2' }]);
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'v', hostPath: { path: '/data' } }]);
  });

  it('replaces a whole map or list with $patch: replace', () => {
    const out = applyStrategicMergePatch(deployment(), { metadata: { labels: { $patch: 'replace', only: 'this' } }, spec: { template: { spec: { volumes: [{ $patch: 'replace' }, { name: 'w', emptyDir: {} }] } } } }) as ReturnType<typeof deployment>;
    expect(out.metadata.labels).toEqual({ only: 'this' });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'w', emptyDir: {} }]);
  });
});

describe('JSON merge patch and JSON patch', () => {
  it('merge patch replaces lists and deletes with null', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
  });

  it('json patch supports add/remove/replace/move/copy/test and escapes', () => {
    const doc = { metadata: { annotations: { 'a/b': '1' } }, list: [1, 2] };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'remove', path: '/list/0' },
      { op: 'replace', path: '/metadata/annotations/a~1b', value: '2' },
      { op: 'copy', from: '/list', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
      { op: 'test', path: '/moved/0', value: 2 },
    ]);
    expect(out).toEqual({ metadata: { annotations: { 'a/b': '2' } }, list: [2, 3], moved: [2, 3] });
    expect(doc.list).toEqual([1, 2]);
  });

  it('json patch failures are Status errors', () => {
    expect(() => applyJsonPatch({}, [{ op: 'remove', path: '/nope' }])).toThrow(StatusError);
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(/test failed/);
    expect(() => applyJsonPatch({}, { op: 'add' })).toThrow(StatusError);
  });
});

describe('strategic merge patch with schema metadata', () => {
  it('takes merge keys and strategies from the OpenAPI schema', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { patchMeta } = require('@/sandbox/cluster/apiserver/openapi') as { patchMeta: (a: string, k: string, p: string[]) => { patchStrategy?: string; patchMergeKey?: string } | undefined };
    const meta = (path: string[]) => {
      const m = patchMeta('v1', 'Pod', path);
      return m ? { merge: (m.patchStrategy ?? '').split(',').includes('merge'), mergeKey: m.patchMergeKey } : undefined;
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }], tolerations: [{ key: 'a', operator: 'Exists' }] },
    };
    const out = applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 81 }] }], tolerations: [{ key: 'b', operator: 'Exists' }] } }, meta) as typeof pod;
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 81 }]);
    // Tolerations have no merge strategy: the patch replaces the list.
    expect(out.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });
});
