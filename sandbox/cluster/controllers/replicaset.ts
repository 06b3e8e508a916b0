// The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods that
// match the selector, adopting orphans and releasing pods that stopped matching, creates pods
// `<rs>-<5 random>` from the template, scales down the least valuable pods first (upstream's
// ActivePodsWithRanks order), and reports status.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { clone, controllerRefOf, creationMs, isDeleting, newControllerRef, R } from './util/meta';
import { isPodActive, isPodAvailable, isPodReady, isPodTerminating, maxContainerRestarts, nodeNameOf, podFromTemplate, podPhase, podReadyTimeMs } from './util/pods';
import { selectorMatches, type LabelSelector } from './util/selector';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'replicaset-controller';
const BURST_REPLICAS = 500;

type Obj = KubeObject & { spec: Record<string, any>; status?: Record<string, any> };

/** What differs between ReplicaSets and ReplicationControllers (a selector map, spec.template optional). */
interface Flavor {
  ref: typeof R.replicaSets;
  kind: string;
  component: string;
  selector(obj: KubeObject): LabelSelector | undefined;
}

const REPLICASET: Flavor = { ref: R.replicaSets, kind: 'ReplicaSet', component: COMPONENT, selector: (rs) => (rs.spec as any)?.selector };
/** ReplicationController: `spec.selector` is a label map defaulting to the template's labels. */
export const REPLICATION_CONTROLLER: Flavor = {
  ref: R.replicationControllers,
  kind: 'ReplicationController',
  component: 'replicationcontroller-controller',
  selector: (rc) => {
    const sel = ((rc.spec as any)?.selector ?? (rc.spec as any)?.template?.metadata?.labels) as Record<string, string> | undefined;
    return sel && Object.keys(sel).length ? { matchLabels: sel } : undefined;
  },
};

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(
    private readonly ctx: ClusterContext,
    private readonly flavor: Flavor = REPLICASET,
  ) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(this.flavor.ref, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.pods, {}, (ev) => this.onPod(ev.object)),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private onPod(pod: KubeObject): void {
    const ns = pod.metadata.namespace;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind === this.flavor.kind) this.queue.add(objectKey(ns, ref.name));
      return;
    }
    if (isDeleting(pod)) return;
    for (const rs of this.ctx.store.list(this.flavor.ref, { namespace: ns }).items) {
      if (selectorMatches(this.flavor.selector(rs), pod.metadata.labels)) this.queue.add(objectKey(ns, rs.metadata.name!));
    }
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.ctx.store.get(this.flavor.ref, namespace, name) as Obj | undefined;
    if (!rs) return;
    rs.spec ??= {};
    const all = this.ctx.store.list(R.pods, { namespace }).items;
    const active = this.claimPods(rs, all.filter(isPodActive));
    let manageErr: Error | undefined;
    if (!isDeleting(rs)) {
      try {
        this.manageReplicas(active, rs, all);
      } catch (err) {
        manageErr = err as Error;
      }
    }
    // Re-read what we own after creating/deleting so status reflects this sync.
    const owned = this.ctx.store.list(R.pods, { namespace }).items.filter((p) => controllerRefOf(p)?.uid === rs.metadata.uid);
    const after = owned.filter(isPodActive);
    // status.terminatingReplicas (DeploymentReplicaSetTerminatingReplicas, beta and on in 1.35); not on ReplicationControllers.
    const terminating = this.flavor.kind === 'ReplicaSet' ? owned.filter(isPodTerminating).length : undefined;
    const updated = this.updateStatus(rs, after, manageErr, terminating);
    this.requeueForAvailability(updated ?? rs, after);
    if (manageErr) throw manageErr;
  }

  /** ControllerRefManager.ClaimPods. */
  private claimPods(rs: Obj, pods: KubeObject[]): KubeObject[] {
    const selector = this.flavor.selector(rs);
    const out: KubeObject[] = [];
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      const matches = selectorMatches(selector, pod.metadata.labels);
      if (ref) {
        if (ref.uid !== rs.metadata.uid) continue;
        if (matches) out.push(pod);
        else if (!isDeleting(rs)) this.patchOwner(pod, (refs) => refs.filter((r) => r.uid !== rs.metadata.uid));
        continue;
      }
      if (!matches || isDeleting(rs) || isDeleting(pod)) continue;
      const adopted = this.patchOwner(pod, (refs) => [...refs, newControllerRef(rs)], true);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private patchOwner(pod: KubeObject, fn: (refs: NonNullable<KubeObject['metadata']['ownerReferences']>) => NonNullable<KubeObject['metadata']['ownerReferences']>, adopting = false): KubeObject | undefined {
    try {
      return this.ctx.store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
        if (adopting && controllerRefOf(cur)) return undefined;
        const refs = fn(cur.metadata.ownerReferences ?? []);
        cur.metadata.ownerReferences = refs.length ? refs : undefined;
        return cur;
      });
    } catch {
      return undefined;
    }
  }

  private manageReplicas(active: KubeObject[], rs: Obj, allPods: KubeObject[]): void {
    const desired = typeof rs.spec.replicas === 'number' ? rs.spec.replicas : 1;
    let diff = active.length - desired;
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS);
      const template = rs.spec.template ?? {};
      if (!Object.keys(template.metadata?.labels ?? {}).length) throw new Error('unable to create pods, no labels');
      for (let i = 0; i < diff; i++) {
        const pod = podFromTemplate(template, rs.metadata.namespace!, newControllerRef(rs));
        let created: KubeObject;
        try {
          created = this.ctx.store.create(R.pods, pod);
        } catch (err) {
          this.ctx.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`, this.flavor.component);
          throw err;
        }
        this.ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, this.flavor.component);
      }
    } else if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS);
      const related = this.indirectlyRelatedPods(rs, allPods);
      for (const pod of podsToDelete(active, related, diff, this.ctx.now().getTime())) {
        try {
          this.ctx.store.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
        } catch (err) {
          if ((err as { code?: number }).code === 404) continue;
          this.ctx.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`, this.flavor.component);
          throw err;
        }
        this.ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, this.flavor.component);
      }
    }
  }

  /** Pods of every ReplicaSet that shares this one's owner (all revisions of a Deployment). */
  private indirectlyRelatedPods(rs: Obj, allPods: KubeObject[]): KubeObject[] {
    const owner = controllerRefOf(rs);
    let uids = new Set([rs.metadata.uid]);
    if (owner) {
      const siblings = this.ctx.store.list(this.flavor.ref, { namespace: rs.metadata.namespace }).items.filter((o) => controllerRefOf(o)?.uid === owner.uid);
      uids = new Set(siblings.map((o) => o.metadata.uid));
      uids.add(rs.metadata.uid);
    }
    return allPods.filter((p) => uids.has(controllerRefOf(p)?.uid));
  }

  private updateStatus(rs: Obj, active: KubeObject[], manageErr: Error | undefined, terminating?: number): KubeObject | undefined {
    const templateLabels = (rs.spec.template?.metadata?.labels ?? {}) as Record<string, string>;
    const now = this.ctx.now().getTime();
    const minReady = rs.spec.minReadySeconds ?? 0;
    let fully = 0;
    let ready = 0;
    let available = 0;
    for (const pod of active) {
      if (Object.entries(templateLabels).every(([k, v]) => pod.metadata.labels?.[k] === v)) fully++;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
    }
    const status: Record<string, any> = clone(rs.status ?? {});
    const conditions = (status.conditions ?? []) as any[];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageErr && !failure) {
      const desired = rs.spec.replicas ?? 1;
      const reason = active.length < desired ? 'FailedCreate' : 'FailedDelete';
      status.conditions = [...conditions, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), reason, message: manageErr.message }];
    } else if (!manageErr && failure) {
      status.conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
      if (!status.conditions.length) delete status.conditions;
    }
    status.replicas = active.length;
    status.fullyLabeledReplicas = fully;
    status.readyReplicas = ready;
    status.availableReplicas = available;
    status.observedGeneration = rs.metadata.generation;
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) if (!status[k]) delete status[k];
    if (terminating !== undefined) status.terminatingReplicas = terminating;
    if (JSON.stringify(sorted(status)) === JSON.stringify(sorted(rs.status ?? {}))) return rs;
    try {
      return this.ctx.store.mutate(this.flavor.ref, rs.metadata.namespace, rs.metadata.name!, (cur) => {
        if (cur.metadata.uid !== rs.metadata.uid) return undefined;
        cur.status = status;
        return cur;
      }, { subresource: 'status' });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  /** With minReadySeconds, pods become available later without any event: wake up then. */
  private requeueForAvailability(rs: KubeObject, active: KubeObject[]): void {
    const minReady = ((rs.spec as any)?.minReadySeconds as number | undefined) ?? 0;
    if (!minReady) return;
    const now = this.ctx.now().getTime();
    let next = Infinity;
    for (const pod of active) {
      const since = podReadyTimeMs(pod);
      if (since === undefined) continue;
      const at = since + minReady * 1000;
      if (at > now) next = Math.min(next, at);
    }
    if (next !== Infinity) this.queue.addAfter(objectKey(rs.metadata.namespace, rs.metadata.name!), next - now + 50);
  }
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Picks `diff` pods to delete in upstream's ActivePodsWithRanks order: unscheduled, then
 * pending/unknown, then not ready, then lower pod-deletion-cost, then pods doubled up on a node with
 * more related pods, then most recently ready, then more restarts, then newest. The colocation
 * rank is recomputed after each pick (upstream ranks once) so ties spread the deletions across
 * nodes instead of emptying one node.
 */
export function podsToDelete(candidates: KubeObject[], related: KubeObject[], diff: number, nowMs: number): KubeObject[] {
  if (diff >= candidates.length) return [...candidates];
  const podsOnNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) podsOnNode.set(nodeNameOf(p), (podsOnNode.get(nodeNameOf(p)) ?? 0) + 1);
  const remaining = [...candidates];
  const picked: KubeObject[] = [];
  while (picked.length < diff) {
    let best = 0;
    for (let i = 1; i < remaining.length; i++) {
      if (lessForDeletion(remaining[i], remaining[best], podsOnNode, nowMs)) best = i;
    }
    const [pod] = remaining.splice(best, 1);
    picked.push(pod);
    const node = nodeNameOf(pod);
    podsOnNode.set(node, (podsOnNode.get(node) ?? 1) - 1);
  }
  return picked;
}

function deletionCost(pod: KubeObject): number {
  const v = pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6; // nanoseconds, like Go's time.Duration
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

function lessForDeletion(a: KubeObject, b: KubeObject, podsOnNode: Map<string, number>, now: number): boolean {
  const na = nodeNameOf(a);
  const nb = nodeNameOf(b);
  if (na !== nb && (!na || !nb)) return !na;
  const pa = PHASE_ORDINAL[podPhase(a)] ?? 0;
  const pb = PHASE_ORDINAL[podPhase(b)] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca < cb;
  const rankA = podsOnNode.get(na) ?? 0;
  const rankB = podsOnNode.get(nb) ?? 0;
  if (rankA !== rankB) return rankA > rankB;
  if (ra && rb) {
    const ta = podReadyTimeMs(a) ?? 0;
    const tb = podReadyTimeMs(b) ?? 0;
    if (ta !== tb) {
      if (!ta || !tb) return !ta;
      const diff = logRank(ta, now) - logRank(tb, now);
      if (diff !== 0) return diff < 0;
    }
  }
  const restartsA = maxContainerRestarts(a);
  const restartsB = maxContainerRestarts(b);
  if (restartsA !== restartsB) return restartsA > restartsB;
  const ctA = creationMs(a);
  const ctB = creationMs(b);
  if (ctA !== ctB) {
    const diff = logRank(ctA, now) - logRank(ctB, now);
    if (diff !== 0) return diff < 0;
    return ctA > ctB;
  }
  return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`replicaset-controller: sync ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}

