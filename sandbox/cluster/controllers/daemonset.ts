// The DaemonSet controller (pkg/controller/daemon): one pod per eligible node (template node
// selector/affinity, taints vs. tolerations, with the tolerations upstream adds to every daemon
// pod), pinned to its node with required node affinity on metadata.name and bound by the
// scheduler; RollingUpdate honouring maxUnavailable; OnDelete; status.
import type { ClusterContext } from '../context';
import { firstUntoleratedTaint, nodeMatchesPodAffinity, type Toleration } from '../scheduler/predicates';
import type { KubeObject, Watch } from '../store/types';
import { ControllerRevisionHashLabel, ensureCurrentRevision, truncateHistory } from './util/history';
import { byCreation, clone, controllerRefOf, isDeleting, newControllerRef, R } from './util/meta';
import { isPodActive, isPodAvailable, isPodReady, podFromTemplate, podPhase } from './util/pods';
import { selectorMatches, type LabelSelector } from './util/selector';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';
import { scaledValue } from './util/intstr';

const COMPONENT = 'daemonset-controller';
type Spec = Record<string, any>;

/** util.AddOrUpdateDaemonPodTolerations. */
export function daemonPodTolerations(spec: Spec): Toleration[] {
  const tolerations: Toleration[] = [...((spec.tolerations ?? []) as Toleration[])];
  const add = (key: string, effect: string) => {
    if (!tolerations.some((t) => t.key === key && t.effect === effect && t.operator === 'Exists')) tolerations.push({ key, operator: 'Exists', effect });
  };
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add('node.kubernetes.io/unschedulable', 'NoSchedule');
  if (spec.hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  return tolerations;
}

/** The node a daemon pod is for: its nodeName, or the metadata.name its affinity pins it to. */
export function daemonPodNode(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as Spec;
  if (spec.nodeName) return spec.nodeName;
  for (const term of (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as Spec[]) {
    for (const f of (term.matchFields ?? []) as Spec[]) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity. */
function pinToNode(spec: Spec, nodeName: string): void {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  spec.affinity ??= {};
  spec.affinity.nodeAffinity ??= {};
  spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
}

export function nodeShouldRunDaemonPod(ds: KubeObject, node: KubeObject): boolean {
  const template = ((ds.spec as Spec)?.template ?? {}) as Spec;
  const spec = clone(template.spec ?? {}) as Spec;
  spec.tolerations = daemonPodTolerations(spec);
  const probe: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ds.metadata.namespace }, spec };
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return false;
  if (!nodeMatchesPodAffinity(probe, node)) return false;
  return !firstUntoleratedTaint(node, spec.tolerations);
}

export class DaemonSetController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];
  private readonly nodeFingerprints = new Map<string, string>();

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.daemonSets, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.pods, {}, (ev) => {
        const ref = controllerRefOf(ev.object);
        if (ref?.kind === 'DaemonSet') this.queue.add(objectKey(ev.object.metadata.namespace, ref.name));
      }),
      store.watch(R.nodes, {}, (ev) => {
        // Heartbeats change nothing the controller looks at; only react to relevant changes.
        const name = ev.object.metadata.name!;
        const fp = ev.type === 'DELETED' ? '' : nodeFingerprint(ev.object);
        if (this.nodeFingerprints.get(name) === fp) return;
        if (fp) this.nodeFingerprints.set(name, fp);
        else this.nodeFingerprints.delete(name);
        this.enqueueAll();
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private enqueueAll(): void {
    for (const ds of this.ctx.store.list(R.daemonSets).items) this.queue.add(objectKey(ds.metadata.namespace, ds.metadata.name!));
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const ds = store.get(R.daemonSets, namespace, name);
    if (!ds) return;
    const spec = (ds.spec ?? {}) as Spec;
    const nodes = store.list(R.nodes).items;
    const pods = store.list(R.pods, { namespace }).items.filter((p) => controllerRefOf(p)?.uid === ds.metadata.uid);
    // Adopt orphans matching the selector.
    for (const p of store.list(R.pods, { namespace }).items) {
      if (controllerRefOf(p) || isDeleting(p) || isDeleting(ds) || !selectorMatches(spec.selector as LabelSelector, p.metadata.labels)) continue;
      const adopted = store.mutate(R.pods, namespace, p.metadata.name!, (cur) => {
        if (controllerRefOf(cur)) return undefined;
        cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []), newControllerRef(ds)];
        return cur;
      });
      if (adopted) pods.push(adopted);
    }
    if (isDeleting(ds)) {
      this.updateStatus(ds, nodes, pods, '');
      return;
    }
    const { hash, all: revisions } = ensureCurrentRevision(this.ctx, ds);
    const byNode = new Map<string, KubeObject[]>();
    for (const p of pods) {
      if (isDeleting(p)) continue;
      const n = daemonPodNode(p) ?? '';
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const toCreate: string[] = [];
    const toDelete: KubeObject[] = [];
    const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
    for (const node of nodes) {
      const nodeName = node.metadata.name!;
      const nodePods = (byNode.get(nodeName) ?? []).sort(byCreation);
      if (nodeShouldRunDaemonPod(ds, node)) {
        const failed = nodePods.filter((p) => podPhase(p) === 'Failed');
        toDelete.push(...failed);
        const alive = nodePods.filter((p) => podPhase(p) !== 'Failed');
        if (alive.length === 0) toCreate.push(nodeName);
        else if (alive.length > 1) toDelete.push(...alive.slice(1));
      } else {
        toDelete.push(...nodePods);
      }
    }
    for (const [n, list] of byNode) if (!nodeNames.has(n)) toDelete.push(...list);
    if (spec.updateStrategy?.type !== 'OnDelete') toDelete.push(...this.rollingUpdateVictims(ds, nodes, byNode, hash, toDelete));

    for (const nodeName of toCreate) this.createPod(ds, nodeName, hash);
    for (const p of toDelete) {
      try {
        store.delete(R.pods, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
        this.ctx.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, COMPONENT);
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    const live = new Set(pods.map((p) => p.metadata.labels?.[ControllerRevisionHashLabel]).filter(Boolean).map((h) => `${ds.metadata.name}-${h}`));
    live.add(`${ds.metadata.name}-${hash}`);
    truncateHistory(this.ctx, ds, revisions, live);
    const fresh = store.list(R.pods, { namespace }).items.filter((p) => controllerRefOf(p)?.uid === ds.metadata.uid);
    this.updateStatus(ds, nodes, fresh, hash);
  }

  /** RollingUpdate with maxSurge 0: replace old pods while at most maxUnavailable nodes lack an available pod. */
  private rollingUpdateVictims(ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>, hash: string, already: KubeObject[]): KubeObject[] {
    const spec = (ds.spec ?? {}) as Spec;
    const now = this.ctx.now().getTime();
    const minReady = spec.minReadySeconds ?? 0;
    const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(ds, n));
    const maxUnavailable = Math.max(1, scaledValue(spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, eligible.length, true));
    const skip = new Set(already.map((p) => p.metadata.uid));
    let unavailable = 0;
    const oldAvailable: KubeObject[] = [];
    const victims: KubeObject[] = [];
    for (const node of eligible) {
      const pod = (byNode.get(node.metadata.name!) ?? []).find((p) => !skip.has(p.metadata.uid) && podPhase(p) !== 'Failed');
      if (!pod) {
        unavailable++;
        continue;
      }
      const isNew = pod.metadata.labels?.[ControllerRevisionHashLabel] === hash;
      const available = isPodAvailable(pod, minReady, now);
      if (!available) unavailable++;
      if (isNew) continue;
      if (!available) victims.push(pod);
      else oldAvailable.push(pod);
    }
    for (const pod of oldAvailable) {
      if (unavailable >= maxUnavailable) break;
      victims.push(pod);
      unavailable++;
    }
    return victims;
  }

  private createPod(ds: KubeObject, nodeName: string, hash: string): void {
    const template = clone(((ds.spec as Spec)?.template ?? {}) as Spec);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [ControllerRevisionHashLabel]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
    const pod = podFromTemplate(template, ds.metadata.namespace!, newControllerRef(ds));
    const spec = pod.spec as Spec;
    spec.tolerations = daemonPodTolerations(spec);
    pinToNode(spec, nodeName);
    try {
      const created = this.ctx.store.create(R.pods, pod);
      this.ctx.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, COMPONENT);
    } catch (err) {
      this.ctx.events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`, COMPONENT);
      throw err;
    }
  }

  private updateStatus(ds: KubeObject, nodes: KubeObject[], pods: KubeObject[], hash: string): void {
    const now = this.ctx.now().getTime();
    const minReady = ((ds.spec as Spec)?.minReadySeconds as number | undefined) ?? 0;
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodes) {
      const should = nodeShouldRunDaemonPod(ds, node);
      const nodePods = pods.filter((p) => isPodActive(p) && daemonPodNode(p) === node.metadata.name && (p.spec as Spec)?.nodeName);
      if (should) {
        desired++;
        if (nodePods.length) {
          current++;
          const p = nodePods[0];
          if (isPodReady(p)) {
            ready++;
            if (isPodAvailable(p, minReady, now)) available++;
          }
          if (hash && p.metadata.labels?.[ControllerRevisionHashLabel] === hash) updated++;
        }
      } else if (nodePods.length) misscheduled++;
    }
    const status: Spec = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) if (!status[k]) delete status[k];
    const prev = (ds.status ?? {}) as Spec;
    if (prev.collisionCount !== undefined) status.collisionCount = prev.collisionCount;
    if (prev.conditions) status.conditions = prev.conditions;
    if (JSON.stringify(sortKeys(prev)) === JSON.stringify(sortKeys(status))) return;
    this.ctx.store.mutate(R.daemonSets, ds.metadata.namespace, ds.metadata.name!, (cur) => {
      if (cur.metadata.uid !== ds.metadata.uid) return undefined;
      cur.status = status;
      return cur;
    }, { subresource: 'status' });
    if (minReady) this.queue.addAfter(objectKey(ds.metadata.namespace, ds.metadata.name!), minReady * 1000 + 50);
  }
}

function nodeFingerprint(node: KubeObject): string {
  const ready = (((node.status as Spec)?.conditions ?? []) as Spec[]).find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([node.metadata.labels ?? {}, (node.spec as Spec)?.taints ?? [], (node.spec as Spec)?.unschedulable ?? false, ready]);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`daemonset-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
