// The StatefulSet controller (pkg/controller/statefulset): pods `<set>-<ordinal>` with stable
// names, PVCs `<claim>-<set>-<ordinal>` from volumeClaimTemplates (kept on scale down unless
// the retention policy says Delete), OrderedReady (each pod waits for its predecessors to be
// Running and Ready; scale down from the highest ordinal) or Parallel management, RollingUpdate
// in reverse ordinal order honouring the partition, OnDelete, ControllerRevisions and status.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { ControllerRevisionHashLabel, ensureCurrentRevision, truncateHistory } from './util/history';
import { clone, controllerRefOf, isAlreadyExists, isDeleting, newControllerRef, R } from './util/meta';
import { isPodAvailable, isPodReady, podFromTemplate, podPhase } from './util/pods';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'statefulset-controller';
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
type Spec = Record<string, any>;

function ordinalOf(set: KubeObject, pod: KubeObject): number {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}

function isRunningAndReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && isPodReady(pod) && !isDeleting(pod);
}

export class StatefulSetController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.statefulSets, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.pods, {}, (ev) => {
        const ref = controllerRefOf(ev.object);
        if (ref?.kind === 'StatefulSet') this.queue.add(objectKey(ev.object.metadata.namespace, ref.name));
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const set = store.get(R.statefulSets, namespace, name);
    if (!set) return;
    const spec = (set.spec ?? {}) as Spec;
    const replicas: number = spec.replicas ?? 1;
    const start: number = spec.ordinals?.start ?? 0;
    const pods = store.list(R.pods, { namespace }).items.filter((p) => controllerRefOf(p)?.uid === set.metadata.uid);
    if (isDeleting(set)) return;
    const { revision, hash, all: revisions } = ensureCurrentRevision(this.ctx, set);
    const updateRevision = revision.metadata.name!;
    void hash;
    const parallel = spec.podManagementPolicy === 'Parallel';
    const byOrdinal = new Map<number, KubeObject>();
    const condemned: KubeObject[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set, p);
      if (ord >= start && ord < start + replicas) byOrdinal.set(ord, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));

    // Create missing pods / replace failed ones, in order.
    let blocked = false;
    for (let ord = start; ord < start + replicas; ord++) {
      const pod = byOrdinal.get(ord);
      if (pod && podPhase(pod) === 'Failed' && !isDeleting(pod)) {
        this.deletePod(set, pod);
        if (!parallel) {
          blocked = true;
          break;
        }
        continue;
      }
      if (!pod) {
        this.createPod(set, ord, updateRevision);
        if (!parallel) {
          blocked = true;
          break;
        }
        continue;
      }
      if (!parallel && !isRunningAndReady(pod)) {
        blocked = true;
        break;
      }
    }
    // Scale down: highest ordinal first, one at a time for OrderedReady, after the rest is healthy.
    if (!blocked) {
      for (const pod of condemned) {
        if (isDeleting(pod)) {
          if (!parallel) break;
          continue;
        }
        this.deletePod(set, pod);
        this.applyScaleDownRetention(set, pod);
        if (!parallel) break;
      }
    }
    // Rolling update, reverse ordinal order, one pod at a time, once everything is healthy.
    const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
    if (!blocked && strategy === 'RollingUpdate' && condemned.length === 0) {
      const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
      const all = [...byOrdinal.entries()].sort((a, b) => b[0] - a[0]);
      if (all.every(([, p]) => isRunningAndReady(p))) {
        for (const [ord, pod] of all) {
          if (ord - start < partition) break;
          if (pod.metadata.labels?.[ControllerRevisionHashLabel] !== updateRevision) {
            this.deletePod(set, pod);
            break;
          }
        }
      }
    }
    const live = new Set(pods.map((p) => p.metadata.labels?.[ControllerRevisionHashLabel]).filter((x): x is string => !!x));
    live.add(updateRevision);
    const current = (set.status as Spec | undefined)?.currentRevision as string | undefined;
    if (current) live.add(current);
    truncateHistory(this.ctx, set, revisions, live);
    this.updateStatus(set, updateRevision);
  }

  private claimName(template: Spec, set: KubeObject, ordinal: number): string {
    return `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;
  }

  private createPod(set: KubeObject, ordinal: number, revision: string): void {
    const spec = (set.spec ?? {}) as Spec;
    const podName = `${set.metadata.name}-${ordinal}`;
    const template = clone((spec.template ?? {}) as Spec);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [ControllerRevisionHashLabel]: revision, [POD_NAME_LABEL]: podName, [POD_INDEX_LABEL]: String(ordinal) };
    const pod = podFromTemplate(template, set.metadata.namespace!, newControllerRef(set), { name: podName });
    const podSpec = pod.spec as Spec;
    podSpec.hostname = podName;
    if (spec.serviceName) podSpec.subdomain = spec.serviceName;
    // Claims first, so the pod never starts without its storage.
    for (const t of (spec.volumeClaimTemplates ?? []) as Spec[]) {
      const claim = this.claimName(t, set, ordinal);
      this.ensureClaim(set, t, claim, podName);
      const volumes = ((podSpec.volumes ?? []) as Spec[]).filter((v) => v.name !== t.metadata?.name);
      volumes.push({ name: t.metadata?.name, persistentVolumeClaim: { claimName: claim } });
      podSpec.volumes = volumes;
    }
    try {
      this.ctx.store.create(R.pods, pod);
      this.ctx.events.record(set, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`, COMPONENT);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.ctx.events.record(set, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`, COMPONENT);
      throw err;
    }
  }

  private ensureClaim(set: KubeObject, template: Spec, claim: string, podName: string): void {
    const { store } = this.ctx;
    if (store.get(R.persistentVolumeClaims, set.metadata.namespace, claim)) return;
    const spec = (set.spec ?? {}) as Spec;
    const labels = { ...(template.metadata?.labels ?? {}), ...(spec.selector?.matchLabels ?? {}) };
    const whenDeleted = spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claim,
        namespace: set.metadata.namespace,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(whenDeleted === 'Delete' ? { ownerReferences: [{ apiVersion: set.apiVersion, kind: set.kind, name: set.metadata.name!, uid: set.metadata.uid!, blockOwnerDeletion: true }] } : {}),
      },
      spec: clone(template.spec ?? {}),
    };
    const admitted = this.ctx.admission.run(R.persistentVolumeClaims, 'CREATE', pvc, undefined);
    const claimSpec = admitted.spec as Spec;
    claimSpec.volumeMode ??= 'Filesystem';
    admitted.status = { phase: 'Pending' };
    try {
      store.create(R.persistentVolumeClaims, admitted);
      this.ctx.events.record(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${podName} in StatefulSet ${set.metadata.name} success`, COMPONENT);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        this.ctx.events.record(set, 'Warning', 'FailedCreate', `create Claim ${claim} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`, COMPONENT);
        throw err;
      }
    }
  }

  private applyScaleDownRetention(set: KubeObject, pod: KubeObject): void {
    const spec = (set.spec ?? {}) as Spec;
    if (spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ord = ordinalOf(set, pod);
    for (const t of (spec.volumeClaimTemplates ?? []) as Spec[]) {
      try {
        this.ctx.store.delete(R.persistentVolumeClaims, set.metadata.namespace, this.claimName(t, set, ord));
      } catch {
        /* gone */
      }
    }
  }

  private deletePod(set: KubeObject, pod: KubeObject): void {
    try {
      this.ctx.store.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.ctx.events.record(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, COMPONENT);
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }

  private updateStatus(set: KubeObject, updateRevision: string): void {
    const { store } = this.ctx;
    const pods = store.list(R.pods, { namespace: set.metadata.namespace }).items.filter((p) => controllerRefOf(p)?.uid === set.metadata.uid && !isDeleting(p));
    const spec = (set.spec ?? {}) as Spec;
    const prev = (set.status ?? {}) as Spec;
    const now = this.ctx.now().getTime();
    let ready = 0;
    let available = 0;
    let updated = 0;
    let current = 0;
    let currentRevision = prev.currentRevision ?? updateRevision;
    for (const p of pods) {
      if (isPodReady(p)) ready++;
      if (isPodAvailable(p, spec.minReadySeconds ?? 0, now)) available++;
      const rev = p.metadata.labels?.[ControllerRevisionHashLabel];
      if (rev === updateRevision) updated++;
      if (rev === currentRevision) current++;
    }
    // The rollout is complete when every replica runs the update revision.
    if (updated === (spec.replicas ?? 1) && ready === updated && pods.length === updated) {
      currentRevision = updateRevision;
      current = updated;
    }
    const status: Spec = {
      observedGeneration: set.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: current,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      collisionCount: prev.collisionCount ?? 0,
      availableReplicas: available,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (!status[k]) delete status[k];
    if (JSON.stringify(sortKeys(prev)) === JSON.stringify(sortKeys(status))) return;
    store.mutate(R.statefulSets, set.metadata.namespace, set.metadata.name!, (cur) => {
      if (cur.metadata.uid !== set.metadata.uid) return undefined;
      cur.status = status;
      return cur;
    }, { subresource: 'status' });
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`statefulset-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
