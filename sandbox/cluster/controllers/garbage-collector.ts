// The garbage collector (pkg/controller/garbagecollector): keeps an owner → dependents graph from
// watches on every resource, deletes dependents whose owners are all gone (background
// propagation), deletes blocking dependents of owners deleted in the foreground and then removes
// the owner's `foregroundDeletion` finalizer, and for `orphan` strips the owner reference from the
// dependents before removing the `orphan` finalizer.
import { RESOURCES } from '../api/registry';
import type { ClusterContext } from '../context';
import type { DeleteOptions, KubeObject, OwnerReference, ResourceRef, Watch } from '../store/types';
import { isDeleting, resourceForKind } from './util/meta';
import { WorkQueue } from './util/workqueue';

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

interface GraphNode {
  ref: ResourceRef;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
}

/** Resources the collector watches: everything listable except events. */
export function collectableResources(): ResourceRef[] {
  return RESOURCES.filter((r) => r.verbs.includes('watch') && r.verbs.includes('delete') && r.resource !== 'events').map((r) => ({ group: r.group, resource: r.resource }));
}

export class GarbageCollector {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.process(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    for (const ref of collectableResources()) {
      this.watches.push(this.ctx.store.watch(ref, {}, (ev) => this.onEvent(ref, ev.type, ev.object)));
    }
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private onEvent(ref: ResourceRef, type: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid || type === 'BOOKMARK') return;
    const previous = this.nodes.get(uid);
    if (type === 'DELETED') {
      this.nodes.delete(uid);
      for (const o of previous?.owners ?? []) {
        this.dependents.get(o.uid)?.delete(uid);
        // An owner deleted in the foreground may be waiting for exactly this dependent.
        this.queue.add(`fg:${o.uid}`);
      }
      for (const dep of this.dependents.get(uid) ?? []) this.queue.add(`del:${dep}`);
      this.dependents.delete(uid);
      return;
    }
    const owners = obj.metadata.ownerReferences ?? [];
    this.nodes.set(uid, { ref, namespace: obj.metadata.namespace, name: obj.metadata.name!, owners });
    const before = new Set((previous?.owners ?? []).map((o) => o.uid));
    for (const o of previous?.owners ?? []) if (!owners.some((n) => n.uid === o.uid)) this.dependents.get(o.uid)?.delete(uid);
    let ownersChanged = !previous;
    for (const o of owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(uid);
      if (!before.has(o.uid)) ownersChanged = true;
    }
    if (owners.length && ownersChanged) this.queue.add(`del:${uid}`);
    if (isDeleting(obj)) {
      const finalizers = obj.metadata.finalizers ?? [];
      if (finalizers.includes(FOREGROUND)) this.queue.add(`fg:${uid}`);
      if (finalizers.includes(ORPHAN)) this.queue.add(`orphan:${uid}`);
    }
  }

  private process(key: string): void {
    const i = key.indexOf(':');
    const kind = key.slice(0, i);
    const uid = key.slice(i + 1);
    if (kind === 'del') this.attemptToDelete(uid);
    else if (kind === 'fg') this.processDeletingDependents(uid);
    else if (kind === 'orphan') this.orphanDependents(uid);
  }

  private latest(uid: string): { node: GraphNode; obj: KubeObject } | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    const obj = this.ctx.store.get(node.ref, node.namespace, node.name);
    if (!obj || obj.metadata.uid !== uid) return undefined;
    return { node, obj };
  }

  private classifyOwners(obj: KubeObject): { solid: OwnerReference[]; dangling: OwnerReference[]; waiting: OwnerReference[] } {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const info = resourceForKind(ref.apiVersion, ref.kind);
      if (!info) {
        solid.push(ref); // unknown kinds are never collected
        continue;
      }
      const owner = this.ctx.store.get({ group: info.group, resource: info.resource }, info.namespaced ? obj.metadata.namespace : undefined, ref.name);
      if (!owner || owner.metadata.uid !== ref.uid) dangling.push(ref);
      else if (isDeleting(owner) && (owner.metadata.finalizers ?? []).includes(FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  private attemptToDelete(uid: string): void {
    const found = this.latest(uid);
    if (!found) return;
    const { node, obj } = found;
    if (isDeleting(obj)) {
      if ((obj.metadata.finalizers ?? []).includes(FOREGROUND)) this.queue.add(`fg:${uid}`);
      return;
    }
    const { solid, dangling, waiting } = this.classifyOwners(obj);
    if (dangling.length === 0 && waiting.length === 0) return;
    if (solid.length > 0) {
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      this.ctx.store.mutate(node.ref, node.namespace, node.name, (cur) => {
        if (cur.metadata.uid !== uid) return undefined;
        const refs = (cur.metadata.ownerReferences ?? []).filter((r) => !drop.has(r.uid));
        cur.metadata.ownerReferences = refs.length ? refs : undefined;
        return cur;
      });
      return;
    }
    let policy: DeleteOptions['propagationPolicy'];
    const hasDependents = (this.dependents.get(uid)?.size ?? 0) > 0;
    const finalizers = obj.metadata.finalizers ?? [];
    if (waiting.length > 0 && hasDependents) policy = 'Foreground';
    else if (finalizers.includes(ORPHAN)) policy = 'Orphan';
    else if (finalizers.includes(FOREGROUND)) policy = 'Foreground';
    else policy = 'Background';
    try {
      this.ctx.store.delete(node.ref, node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid } });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }

  private processDeletingDependents(uid: string): void {
    const found = this.latest(uid);
    if (!found) return;
    const { node, obj } = found;
    if (!isDeleting(obj) || !(obj.metadata.finalizers ?? []).includes(FOREGROUND)) return;
    const blocking: string[] = [];
    for (const depUid of this.dependents.get(uid) ?? []) {
      const dep = this.nodes.get(depUid);
      const ref = dep?.owners.find((o) => o.uid === uid);
      if (ref?.blockOwnerDeletion) blocking.push(depUid);
    }
    if (blocking.length === 0) {
      this.ctx.store.mutate(node.ref, node.namespace, node.name, (cur) => {
        if (cur.metadata.uid !== uid || !(cur.metadata.finalizers ?? []).includes(FOREGROUND)) return undefined;
        cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
        return cur;
      });
      return;
    }
    for (const depUid of blocking) this.queue.add(`del:${depUid}`);
  }

  private orphanDependents(uid: string): void {
    const found = this.latest(uid);
    if (!found) return;
    const { node, obj } = found;
    if (!isDeleting(obj) || !(obj.metadata.finalizers ?? []).includes(ORPHAN)) return;
    for (const depUid of [...(this.dependents.get(uid) ?? [])]) {
      const dep = this.nodes.get(depUid);
      if (!dep) continue;
      try {
        this.ctx.store.mutate(dep.ref, dep.namespace, dep.name, (cur) => {
          const refs = cur.metadata.ownerReferences ?? [];
          if (!refs.some((r) => r.uid === uid)) return undefined;
          const rest = refs.filter((r) => r.uid !== uid);
          cur.metadata.ownerReferences = rest.length ? rest : undefined;
          return cur;
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    this.ctx.store.mutate(node.ref, node.namespace, node.name, (cur) => {
      if (cur.metadata.uid !== uid) return undefined;
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== ORPHAN);
      return cur;
    });
  }
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`garbage-collector: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
