// The in-memory object store (see ./types.ts for the contract). One cluster-wide resourceVersion
// counter, a bounded history of committed events so watches can resume from a resourceVersion,
// and asynchronous watch delivery in commit order.
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, invalid, notFound, StatusError } from '../api/errors';
import { apiVersionOf, hasSubresource, lookupResource, refKey } from '../api/registry';
import { parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from '../api/selectors';
import type { DeleteOptions, KubeObject, ListOptions, ResourceRef, Store, UpdateOptions, Watch, WatchEvent, WatchEventType, WatchOptions } from './types';

export interface MemoryStoreOptions {
  /** How many committed events are kept for watches that resume from a resourceVersion. */
  historySize?: number;
  now?: () => Date;
  /**
   * Pods bound to a node are deleted gracefully like in Kubernetes: the store only sets
   * deletionTimestamp and the kubelet finishes the delete with gracePeriodSeconds 0.
   * Off when no kubelet runs (then pods vanish at once).
   */
  gracefulPodDeletion?: boolean;
  /** Called after every commit (used by persistence). */
  onCommit?: () => void;
}

interface HistoryEntry {
  rv: number;
  key: string;
  type: Exclude<WatchEventType, 'BOOKMARK'>;
  object: KubeObject;
  previous?: KubeObject;
}

interface Watcher {
  key: string;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  queue: WatchEvent[];
  onEvent: (event: WatchEvent) => void;
  stopped: boolean;
  /** Highest resourceVersion this watcher has been handed (history replay dedupe). */
  startRv: number;
}

export interface StoreSnapshot {
  resourceVersion: number;
  resources: Record<string, KubeObject[]>;
}

const clone = <T>(v: T): T => structuredClone(v);
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function objKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
function specPart(obj: KubeObject): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  // Binding a pod to a node (pods/binding) is not a spec change the pod's generation tracks.
  if (obj.kind === 'Pod' && rest.spec && typeof rest.spec === 'object') rest.spec = { ...(rest.spec as object), nodeName: undefined };
  return JSON.stringify(rest);
}

/**
 * What still holds a deleted object: metadata.finalizers, and for namespaces spec.finalizers
 * (the namespace controller removes `kubernetes` once the namespace is empty).
 */
function pendingFinalizers(obj: KubeObject): string[] {
  const meta = obj.metadata.finalizers ?? [];
  if (obj.kind !== 'Namespace') return meta;
  const spec = ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) as string[];
  return [...meta, ...spec];
}

/** Kinds whose registry strategy maintains metadata.generation in Kubernetes 1.35. */
export const GENERATION_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ReplicationController', 'Job', 'CronJob', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'CustomResourceDefinition']);

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

export class MemoryStore implements Store {
  private rv = 0;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly historySize: number;
  private readonly now: () => Date;
  private flushScheduled = false;
  gracefulPodDeletion: boolean;
  onCommit?: () => void;

  constructor(opts: MemoryStoreOptions = {}) {
    this.historySize = opts.historySize ?? 2000;
    this.now = opts.now ?? (() => new Date());
    this.gracefulPodDeletion = opts.gracefulPodDeletion ?? false;
    this.onCommit = opts.onCommit;
  }

  // ---- reads ----

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.bucket(ref).get(objKey(this.scopeNs(ref, namespace), name));
    return obj ? clone(obj) : undefined;
  }

  list(ref: ResourceRef, opts: ListOptions = {}): { items: KubeObject[]; resourceVersion: string } {
    const { items, resourceVersion } = this.listShared(ref, opts);
    return { items: items.map(clone), resourceVersion };
  }

  listShared(ref: ResourceRef, opts: ListOptions = {}): { items: readonly KubeObject[]; resourceVersion: string } {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    const ns = this.scopeNs(ref, opts.namespace);
    const items: KubeObject[] = [];
    for (const obj of this.bucket(ref).values()) {
      if (ns !== undefined && obj.metadata.namespace !== ns) continue;
      if (!labels.matches(obj.metadata.labels) || !fields.matches(obj)) continue;
      items.push(obj);
    }
    // etcd's key order: namespace, then name, compared as bytes.
    items.sort((a, b) => compareKeys(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compareKeys(a.metadata.name ?? '', b.metadata.name ?? ''));
    return { items, resourceVersion: String(this.rv) };
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  // ---- writes ----

  create(ref: ResourceRef, input: KubeObject): KubeObject {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    const info = lookupResource(ref);
    if (info) {
      obj.apiVersion ||= apiVersionOf(info);
      obj.kind ||= info.kind;
    }
    const namespace = this.scopeNs(ref, meta.namespace);
    if (info?.namespaced && !namespace) throw invalid(ref.group, info.kind, meta.name ?? '', [{ reason: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' }]);
    if (info && !info.namespaced) delete meta.namespace;
    const bucket = this.bucket(ref);
    if (!meta.name && meta.generateName) {
      for (let i = 0; i < 20; i++) {
        const candidate = `${meta.generateName}${randomSuffix()}`;
        if (!bucket.has(objKey(namespace, candidate))) {
          meta.name = candidate;
          break;
        }
      }
      if (!meta.name) throw new StatusError(409, 'AlreadyExists', `${ref.resource} "${meta.generateName}" already exists, the server was not able to generate a unique name for the object`);
    }
    if (!meta.name) throw invalid(ref.group, info?.kind ?? ref.resource, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    const key = objKey(namespace, meta.name);
    if (bucket.has(key)) throw alreadyExists(ref.group, ref.resource, meta.name);
    if (namespace !== undefined) meta.namespace = namespace;
    meta.uid ||= randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (GENERATION_KINDS.has(obj.kind)) meta.generation = 1;
    else delete meta.generation;
    meta.resourceVersion = String(++this.rv);
    bucket.set(key, obj);
    this.commit(ref, 'ADDED', obj, undefined);
    return clone(obj);
  }

  update(ref: ResourceRef, input: KubeObject, opts: UpdateOptions = {}): KubeObject {
    const meta = input.metadata ?? {};
    const namespace = this.scopeNs(ref, meta.namespace);
    const name = meta.name ?? '';
    const bucket = this.bucket(ref);
    const key = objKey(namespace, name);
    const current = bucket.get(key);
    if (!current) throw notFound(ref.group, ref.resource, name);
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) throw conflict(ref.group, ref.resource, name);
    if (meta.uid && meta.uid !== current.metadata.uid) throw conflict(ref.group, ref.resource, name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${current.metadata.uid}`);

    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = clone(current);
      if (input.status === undefined) delete next.status;
      else next.status = clone(input.status);
    } else {
      next = clone(input);
      next.apiVersion ||= current.apiVersion;
      next.kind ||= current.kind;
      next.metadata = { ...clone(meta) };
      // The main resource cannot change status when a status subresource exists (as in Kubernetes).
      if (hasSubresource(ref, 'status')) {
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
    }
    const m = next.metadata;
    m.name = current.metadata.name;
    if (current.metadata.namespace !== undefined) m.namespace = current.metadata.namespace;
    else delete m.namespace;
    m.uid = current.metadata.uid;
    m.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) {
      m.deletionTimestamp = current.metadata.deletionTimestamp;
      if (current.metadata.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    delete m.generateName;
    if (current.metadata.generateName) m.generateName = current.metadata.generateName;
    if (current.metadata.generation !== undefined) {
      m.generation = current.metadata.generation + (specPart(next) !== specPart(current) ? 1 : 0);
    } else delete m.generation;
    if (m.finalizers && m.finalizers.length === 0) delete m.finalizers;

    // Removing the last finalizer of an object that is being deleted removes it.
    if (m.deletionTimestamp && pendingFinalizers(next).length === 0) {
      m.resourceVersion = String(++this.rv);
      bucket.delete(key);
      this.commit(ref, 'DELETED', next, current);
      return clone(next);
    }
    // A no-op update does not bump the resourceVersion (like Kubernetes).
    m.resourceVersion = current.metadata.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify(current)) return clone(current);
    m.resourceVersion = String(++this.rv);
    bucket.set(key, next);
    this.commit(ref, 'MODIFIED', next, current);
    return clone(next);
  }

  mutate(ref: ResourceRef, namespace: string | undefined, name: string, fn: (current: KubeObject) => KubeObject | undefined, opts?: UpdateOptions): KubeObject | undefined {
    for (let attempt = 0; ; attempt++) {
      const current = this.get(ref, namespace, name);
      if (!current) throw notFound(ref.group, ref.resource, name);
      const next = fn(current);
      if (!next) return undefined;
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      try {
        return this.update(ref, next, opts);
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'Conflict' && attempt < 5) continue;
        throw err;
      }
    }
  }

  delete(ref: ResourceRef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const ns = this.scopeNs(ref, namespace);
    const bucket = this.bucket(ref);
    const key = objKey(ns, name);
    const current = bucket.get(key);
    if (!current) throw notFound(ref.group, ref.resource, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(ref.group, ref.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(ref.group, ref.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);

    const next = clone(current);
    const m = next.metadata;
    const finalizers = [...(m.finalizers ?? [])];
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');

    const graceful = this.gracePeriodFor(ref, current, opts);
    const specFinalizers = pendingFinalizers(current).length - (current.metadata.finalizers ?? []).length;
    if (finalizers.length > 0 || specFinalizers > 0 || graceful !== undefined) {
      if (finalizers.length) m.finalizers = finalizers;
      if (!m.deletionTimestamp || (graceful !== undefined && graceful < (m.deletionGracePeriodSeconds ?? Infinity))) {
        const grace = graceful ?? 0;
        m.deletionTimestamp = this.timestamp(grace * 1000);
        m.deletionGracePeriodSeconds = grace;
      }
      if (JSON.stringify(next) === JSON.stringify(current)) return clone(current);
      m.resourceVersion = String(++this.rv);
      bucket.set(key, next);
      this.commit(ref, 'MODIFIED', next, current);
      return clone(next);
    }
    m.resourceVersion = String(++this.rv);
    bucket.delete(key);
    this.commit(ref, 'DELETED', next, current);
    return clone(next);
  }

  /** Grace period in seconds when the delete must wait for a kubelet, else undefined. */
  private gracePeriodFor(ref: ResourceRef, pod: KubeObject, opts: DeleteOptions): number | undefined {
    if (!this.gracefulPodDeletion || ref.group !== '' || ref.resource !== 'pods') return undefined;
    const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const status = (pod.status ?? {}) as { phase?: string };
    if (!spec.nodeName || status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
    const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    return grace <= 0 ? undefined : grace;
  }

  // ---- watch ----

  watch(ref: ResourceRef, opts: WatchOptions, onEvent: (event: WatchEvent) => void): Watch {
    const w: Watcher = {
      key: refKey(ref),
      namespace: this.scopeNs(ref, opts.namespace),
      labels: parseLabelSelector(opts.labelSelector),
      fields: parseFieldSelector(opts.fieldSelector),
      queue: [],
      onEvent,
      stopped: false,
      startRv: this.rv,
    };
    const initial = opts.sendInitialEvents || !opts.resourceVersion || opts.resourceVersion === '0';
    if (initial) {
      for (const obj of this.list(ref, { namespace: w.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector }).items) w.queue.push({ type: 'ADDED', object: obj });
      if (opts.sendInitialEvents) w.queue.push({ type: 'BOOKMARK', object: this.bookmarkObject(ref, true) });
    } else {
      const from = Number(opts.resourceVersion);
      if (!Number.isInteger(from) || from < 0) throw new StatusError(400, 'BadRequest', `invalid resource version: ${opts.resourceVersion}`);
      if (from > this.rv) {
        // E.g. a client that watched a cluster which restarted without its data: make it re-list.
        throw new StatusError(504, 'Timeout', `Too large resource version: ${from}, current: ${this.rv}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
      }
      const oldest = this.history.length ? this.history[0].rv : this.rv + 1;
      if (from < oldest - 1 && from < this.rv) {
        throw new StatusError(410, 'Expired', `too old resource version: ${from} (${oldest - 1})`);
      }
      for (const h of this.history) if (h.rv > from && h.key === w.key) this.enqueueFor(w, h);
    }
    this.watchers.add(w);
    this.scheduleFlush();
    return {
      stop: () => {
        w.stopped = true;
        w.queue.length = 0;
        this.watchers.delete(w);
      },
      /** Queues a BOOKMARK at the current resourceVersion, after every event already committed. */
      requestBookmark: () => {
        if (w.stopped) return;
        w.queue.push({ type: 'BOOKMARK', object: this.bookmarkObject(ref) });
        this.scheduleFlush();
      },
    } as Watch;
  }

  /** A BOOKMARK for the current resourceVersion (the API server sends these periodically). */
  bookmarkObject(ref: ResourceRef, initialEventsEnd = false): KubeObject {
    const info = lookupResource(ref);
    const metadata: KubeObject['metadata'] = { resourceVersion: String(this.rv) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return { apiVersion: info ? apiVersionOf(info) : 'v1', kind: info?.kind ?? ref.resource, metadata };
  }

  /** Number of active watches (for tests and diagnostics). */
  watchCount(): number {
    return this.watchers.size;
  }

  private commit(ref: ResourceRef, type: HistoryEntry['type'], obj: KubeObject, previous: KubeObject | undefined): void {
    // Stored objects are never mutated in place (writes replace them), so history can share them.
    const entry: HistoryEntry = { rv: this.rv, key: refKey(ref), type, object: obj, previous };
    this.history.push(entry);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const w of this.watchers) this.enqueueFor(w, entry);
    this.scheduleFlush();
    this.onCommit?.();
  }

  private matches(w: Watcher, obj: KubeObject | undefined): boolean {
    if (!obj) return false;
    if (w.namespace !== undefined && obj.metadata.namespace !== w.namespace) return false;
    return w.labels.matches(obj.metadata.labels) && w.fields.matches(obj);
  }

  /** Selector transitions become ADDED/DELETED for that watcher, as in Kubernetes' cacher. */
  private enqueueFor(w: Watcher, h: HistoryEntry): void {
    if (w.key !== h.key || w.stopped) return;
    const now = this.matches(w, h.object);
    let type: WatchEventType | undefined;
    if (h.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (h.type === 'DELETED') type = now || this.matches(w, h.previous) ? 'DELETED' : undefined;
    else {
      const before = this.matches(w, h.previous);
      type = now ? (before ? 'MODIFIED' : 'ADDED') : before ? 'DELETED' : undefined;
    }
    if (type) w.queue.push({ type, object: h.object });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const w of [...this.watchers]) {
        while (w.queue.length && !w.stopped) {
          const ev = w.queue.shift()!;
          try {
            w.onEvent({ type: ev.type, object: clone(ev.object) });
          } catch (err) {
            process.stderr.write(`store: watch handler threw: ${err instanceof Error ? err.stack : String(err)}\n`);
          }
        }
      }
    });
  }

  // ---- persistence ----

  snapshot(): StoreSnapshot {
    const resources: Record<string, KubeObject[]> = {};
    for (const [key, bucket] of this.data) if (bucket.size) resources[key] = [...bucket.values()].map(clone);
    return { resourceVersion: this.rv, resources };
  }

  restore(snap: StoreSnapshot): void {
    this.data.clear();
    this.history.length = 0;
    this.rv = snap.resourceVersion;
    for (const [key, items] of Object.entries(snap.resources)) {
      const bucket = new Map<string, KubeObject>();
      for (const obj of items) bucket.set(objKey(obj.metadata.namespace, obj.metadata.name ?? ''), clone(obj));
      this.data.set(key, bucket);
    }
  }

  // ---- helpers ----

  private bucket(ref: ResourceRef): Map<string, KubeObject> {
    const key = refKey(ref);
    let b = this.data.get(key);
    if (!b) this.data.set(key, (b = new Map()));
    return b;
  }

  /** Cluster-scoped resources ignore the namespace; unknown resources keep what they are given. */
  private scopeNs(ref: ResourceRef, namespace: string | undefined): string | undefined {
    const info = lookupResource(ref);
    if (info && !info.namespaced) return undefined;
    return namespace || undefined;
  }

  private timestamp(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
