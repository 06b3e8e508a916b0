import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatusError } from '@/sandbox/cluster/api/errors';
import { attachPersistence, MemoryStore } from '@/sandbox/cluster/store';
import type { KubeObject, WatchEvent } from '@/sandbox/cluster/store/types';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };
const nodes = { group: '', resource: 'nodes' };

function pod(name: string, labels: Record<string, string> = {}, nodeName?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(nodeName ? { nodeName } : {}) } };
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('MemoryStore', () => {
  it('lists in etcd key order (bytes, not locale): namespace, then name', () => {
    const s = new MemoryStore();
    for (const name of ['b', 'B', 'a-2', 'a-10', '_x']) s.create(pods, pod(name));
    s.create(pods, { ...pod('z'), metadata: { name: 'z', namespace: 'alpha' } });
    expect(s.list(pods).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['alpha/z', 'default/B', 'default/_x', 'default/a-10', 'default/a-2', 'default/b']);
  });

  it('listShared returns the stored objects without copies, as a snapshot later writes do not change', () => {
    const s = new MemoryStore();
    s.create(pods, pod('a', { app: 'web' }));
    s.create(pods, pod('b', { app: 'db' }));
    const shared = s.listShared(pods, { labelSelector: 'app=web' });
    expect(shared.items.map((p) => p.metadata.name)).toEqual(['a']);
    expect(shared.items).toEqual(s.list(pods, { labelSelector: 'app=web' }).items);
    expect(s.listShared(pods).items[0]).toBe(s.listShared(pods).items[0]);
    expect(s.list(pods).items[0]).not.toBe(s.list(pods).items[0]);
    s.mutate(pods, 'default', 'a', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { app: 'api' } } }));
    expect(shared.items[0].metadata.labels).toEqual({ app: 'web' });
    expect(s.get(pods, 'default', 'a')!.metadata.labels).toEqual({ app: 'api' });
  });

  it('assigns metadata and a cluster-wide increasing resourceVersion', () => {
    const s = new MemoryStore();
    const a = s.create(pods, pod('a'));
    const d = s.create(deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1 } });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(d.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(s.currentResourceVersion()).toBe(d.metadata.resourceVersion);
    expect(d.metadata.generation).toBe(1);
  });

  it('rejects duplicates, stale updates and missing objects with Kubernetes statuses', () => {
    const s = new MemoryStore();
    const a = s.create(pods, pod('a'));
    expect(thrown(() => s.create(pods, pod('a'))).status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "a" already exists' });
    s.update(pods, { ...a, metadata: { ...a.metadata, labels: { x: '1' } } });
    const stale = thrown(() => s.update(pods, { ...a, metadata: { ...a.metadata, labels: { x: '2' } } }));
    expect(stale.status.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    expect(thrown(() => s.delete(pods, 'default', 'nope')).status).toMatchObject({ code: 404, message: 'pods "nope" not found' });
    expect(thrown(() => s.get(deployments, 'default', 'x') ?? s.update(deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'default' } })).status.code).toBe(404);
  });

  it('expands generateName and bumps generation only for spec changes', () => {
    const s = new MemoryStore();
    const d = s.create(deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { generateName: 'web-', namespace: 'default' }, spec: { replicas: 1 } });
    expect(d.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    const labelled = s.update(deployments, { ...d, metadata: { ...d.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = s.update(deployments, { ...labelled, spec: { replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    const withStatus = s.update(deployments, { ...scaled, status: { replicas: 3 } }, { subresource: 'status' });
    expect(withStatus.metadata.generation).toBe(2);
    expect(withStatus.status).toEqual({ replicas: 3 });
    // The main resource ignores status changes; the status subresource ignores spec changes.
    const ignored = s.update(deployments, { ...withStatus, status: { replicas: 99 } });
    expect(ignored.status).toEqual({ replicas: 3 });
    const specIgnored = s.update(deployments, { ...withStatus, spec: { replicas: 7 }, status: { replicas: 4 } }, { subresource: 'status' });
    expect(specIgnored.spec).toEqual({ replicas: 3 });
    // No-op writes keep the resourceVersion.
    expect(s.update(deployments, specIgnored).metadata.resourceVersion).toBe(specIgnored.metadata.resourceVersion);
  });

  it('delivers watch events in commit order, with selector transitions', async () => {
    const s = new MemoryStore();
    s.create(pods, pod('pre', { app: 'web' }));
    const events: WatchEvent[] = [];
    const w = s.watch(pods, { labelSelector: 'app in (web)' }, (e) => events.push(e));
    const b = s.create(pods, pod('b', { app: 'web' }));
    s.create(pods, pod('other', { app: 'db' }));
    const relabelled = s.update(pods, { ...b, metadata: { ...b.metadata, labels: { app: 'db' } } });
    s.update(pods, { ...relabelled, metadata: { ...relabelled.metadata, labels: { app: 'web' } } });
    s.delete(pods, 'default', 'b');
    await waitFor(() => events.length >= 5);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED pre', 'ADDED b', 'DELETED b', 'ADDED b', 'DELETED b']);
    const rvs = events.slice(1).map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    w.stop();
    expect(s.watchCount()).toBe(0);
  });

  it('resumes from a resourceVersion, ends initial events with a bookmark, and expires old versions', async () => {
    const s = new MemoryStore({ historySize: 3 });
    const first = s.create(pods, pod('a'));
    s.create(pods, pod('b'));
    const seen: WatchEvent[] = [];
    s.watch(pods, { resourceVersion: first.metadata.resourceVersion }, (e) => seen.push(e));
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });

    const initial: WatchEvent[] = [];
    s.watch(pods, { sendInitialEvents: true, resourceVersion: '' }, (e) => initial.push(e));
    await waitFor(() => initial.length === 3);
    expect(initial[2].type).toBe('BOOKMARK');
    expect(initial[2].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(initial[2].object.metadata.resourceVersion).toBe(s.currentResourceVersion());

    for (const n of ['c', 'd', 'e', 'f']) s.create(pods, pod(n));
    const expired = thrown(() => s.watch(pods, { resourceVersion: first.metadata.resourceVersion }, () => undefined));
    expect(expired.status).toMatchObject({ code: 410, reason: 'Expired' });
    const ahead = thrown(() => s.watch(pods, { resourceVersion: '999999' }, () => undefined));
    expect(ahead.status).toMatchObject({ code: 504, reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } });
  });

  it('keeps objects with finalizers until the last finalizer is removed', async () => {
    const s = new MemoryStore();
    s.create(pods, { ...pod('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/hold'] } });
    const deleting = s.delete(pods, 'default', 'f');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(s.get(pods, 'default', 'f')).toBeDefined();
    const events: WatchEvent[] = [];
    s.watch(pods, { resourceVersion: deleting.metadata.resourceVersion }, (e) => events.push(e));
    s.mutate(pods, 'default', 'f', (p) => ({ ...p, metadata: { ...p.metadata, finalizers: [] } }));
    expect(s.get(pods, 'default', 'f')).toBeUndefined();
    await waitFor(() => events.length === 1);
    expect(events[0].type).toBe('DELETED');
  });

  it('keeps a deleted namespace until its spec finalizers are gone', () => {
    const s = new MemoryStore();
    const namespaces = { group: '', resource: 'namespaces' };
    s.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] } });
    expect(s.delete(namespaces, undefined, 'team').metadata.deletionTimestamp).toBeDefined();
    s.mutate(namespaces, undefined, 'team', (ns) => ({ ...ns, status: { phase: 'Terminating' } }), { subresource: 'status' });
    expect(s.get(namespaces, undefined, 'team')).toBeDefined();
    s.mutate(namespaces, undefined, 'team', (ns) => ({ ...ns, spec: {} }));
    expect(s.get(namespaces, undefined, 'team')).toBeUndefined();
  });

  it('deletes bound pods gracefully when a kubelet finishes deletions', () => {
    const s = new MemoryStore({ gracefulPodDeletion: true });
    s.create(pods, pod('bound', {}, 'w1-k8s'));
    s.create(pods, pod('pending'));
    expect(s.delete(pods, 'default', 'bound').metadata.deletionGracePeriodSeconds).toBe(30);
    expect(s.get(pods, 'default', 'bound')).toBeDefined();
    s.delete(pods, 'default', 'bound', { gracePeriodSeconds: 0 });
    expect(s.get(pods, 'default', 'bound')).toBeUndefined();
    s.delete(pods, 'default', 'pending');
    expect(s.get(pods, 'default', 'pending')).toBeUndefined();
  });

  it('filters lists by namespace, labels and fields; cluster-scoped objects have no namespace', () => {
    const s = new MemoryStore();
    s.create(pods, pod('a', { app: 'web', tier: 'fe' }, 'w1-k8s'));
    s.create(pods, pod('b', { app: 'web' }));
    s.create(pods, { ...pod('c', { app: 'web' }), metadata: { name: 'c', namespace: 'other', labels: { app: 'web' } } });
    s.create(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1-k8s', namespace: 'ignored' } });
    expect(s.list(pods, { namespace: 'default', labelSelector: 'app=web,!tier' }).items.map((p) => p.metadata.name)).toEqual(['b']);
    expect(s.list(pods, { fieldSelector: 'spec.nodeName=' }).items.map((p) => p.metadata.name)).toEqual(['b', 'c']);
    expect(s.list(pods).items).toHaveLength(3);
    expect(s.get(nodes, undefined, 'w1-k8s')?.metadata.namespace).toBeUndefined();
  });

  it('round-trips through a data directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'store-'));
    try {
      const s1 = new MemoryStore();
      const p1 = attachPersistence(s1, dir, 10_000);
      const created = s1.create(pods, pod('kept', { app: 'web' }));
      p1.close();
      const s2 = new MemoryStore();
      const p2 = attachPersistence(s2, dir);
      expect(s2.get(pods, 'default', 'kept')).toEqual(created);
      expect(s2.currentResourceVersion()).toBe(s1.currentResourceVersion());
      expect(Number(s2.create(pods, pod('next')).metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
      p2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
