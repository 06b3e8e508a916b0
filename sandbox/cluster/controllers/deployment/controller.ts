// The Deployment controller, ported from k8s.io/kubernetes/pkg/controller/deployment: owns
// ReplicaSets named `<deployment>-<pod-template-hash>`, rolls them (RollingUpdate honouring
// maxSurge/maxUnavailable, Recreate), scales proportionally, keeps revision annotations so
// kubectl's client-side `rollout history/undo/status` work, and reports status and conditions.
import type { ClusterContext } from '../../context';
import type { KubeObject, Watch } from '../../store/types';
import { computeHash } from '../util/hash';
import { byCreation, clone, controllerRefOf, isAlreadyExists, isDeleting, newControllerRef, R } from '../util/meta';
import { isEmptySelector, selectorMatches, type LabelSelector } from '../util/selector';
import { objectKey, splitKey, WorkQueue } from '../util/workqueue';
import * as U from './util';

const COMPONENT = 'deployment-controller';

export class DeploymentController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.deployments, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.replicaSets, {}, (ev) => this.onReplicaSet(ev.object)),
      store.watch(R.pods, {}, (ev) => {
        // Recreate waits for old pods to disappear.
        if (ev.type !== 'DELETED' && ev.type !== 'MODIFIED') return;
        const rsRef = controllerRefOf(ev.object);
        if (rsRef?.kind !== 'ReplicaSet') return;
        const rs = store.get(R.replicaSets, ev.object.metadata.namespace, rsRef.name);
        const dRef = rs && controllerRefOf(rs);
        if (dRef?.kind === 'Deployment') {
          const d = store.get(R.deployments, ev.object.metadata.namespace, dRef.name);
          if (d && U.strategyType(d) === 'Recreate') this.queue.add(objectKey(d.metadata.namespace, d.metadata.name!));
        }
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private onReplicaSet(rs: KubeObject): void {
    const ns = rs.metadata.namespace;
    const ref = controllerRefOf(rs);
    if (ref) {
      if (ref.kind === 'Deployment') this.queue.add(objectKey(ns, ref.name));
      return;
    }
    // Orphan: any deployment whose selector matches may adopt it.
    for (const d of this.ctx.store.list(R.deployments, { namespace: ns }).items) {
      if (selectorMatches(d.spec && (d.spec as any).selector, rs.metadata.labels)) this.queue.add(objectKey(ns, d.metadata.name!));
    }
  }

  // ---------------------------------------------------------------- sync

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const found = this.ctx.store.get(R.deployments, namespace, name);
    if (!found) return;
    let d = found as U.Obj;
    d.spec ??= {};
    const selector = d.spec.selector as LabelSelector | undefined;
    if (isEmptySelector(selector)) {
      this.ctx.events.record(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', COMPONENT);
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        this.writeStatus(d, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      }
      return;
    }
    const rsList = this.getReplicaSetsForDeployment(d);
    if (isDeleting(d)) {
      this.syncStatusOnly(d, rsList);
      return;
    }
    d = this.checkPausedConditions(d);
    if (d.spec.paused) {
      this.syncScaleOrPause(d, rsList);
      return;
    }
    if (this.isScalingEvent(d, rsList)) {
      this.syncScaleOrPause(d, rsList);
      return;
    }
    if (U.strategyType(d) === 'Recreate') this.rolloutRecreate(d, rsList);
    else this.rolloutRolling(d, rsList);
  }

  /** Claims matching orphans, releases owned ReplicaSets that no longer match. */
  private getReplicaSetsForDeployment(d: U.Obj): KubeObject[] {
    const { store } = this.ctx;
    const out: KubeObject[] = [];
    const selector = d.spec.selector as LabelSelector;
    for (const rs of store.list(R.replicaSets, { namespace: d.metadata.namespace }).items) {
      const ref = controllerRefOf(rs);
      const matches = selectorMatches(selector, rs.metadata.labels);
      if (ref) {
        if (ref.uid !== d.metadata.uid) continue;
        if (matches) out.push(rs);
        else if (!isDeleting(d)) this.release(rs, d);
        continue;
      }
      if (isDeleting(d) || !matches || isDeleting(rs)) continue;
      const adopted = this.adopt(rs, d);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private adopt(rs: KubeObject, d: KubeObject): KubeObject | undefined {
    try {
      return this.ctx.store.mutate(R.replicaSets, rs.metadata.namespace, rs.metadata.name!, (cur) => {
        if (controllerRefOf(cur)) return undefined;
        cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []), newControllerRef(d)];
        return cur;
      });
    } catch {
      return undefined;
    }
  }

  private release(rs: KubeObject, d: KubeObject): void {
    try {
      this.ctx.store.mutate(R.replicaSets, rs.metadata.namespace, rs.metadata.name!, (cur) => {
        const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid);
        if (refs.length === (cur.metadata.ownerReferences ?? []).length) return undefined;
        cur.metadata.ownerReferences = refs.length ? refs : undefined;
        return cur;
      });
    } catch {
      // gone already
    }
  }

  // ---------------------------------------------------------------- status writes

  private writeStatus(d: U.Obj, status: Record<string, any>): U.Obj {
    const updated = this.ctx.store.mutate(R.deployments, d.metadata.namespace, d.metadata.name!, (cur) => {
      if (cur.metadata.uid !== d.metadata.uid) return undefined;
      cur.status = omitZeros(status);
      return cur;
    }, { subresource: 'status' }) as U.Obj | undefined;
    return updated ?? d;
  }

  /** Writes the deployment's revision annotation (metadata, main resource). */
  private writeRevision(d: U.Obj, revision: string): U.Obj {
    const updated = this.ctx.store.mutate(R.deployments, d.metadata.namespace, d.metadata.name!, (cur) => {
      if (cur.metadata.uid !== d.metadata.uid) return undefined;
      return U.setDeploymentRevision(cur, revision) ? cur : undefined;
    }) as U.Obj | undefined;
    return updated ?? d;
  }

  private checkPausedConditions(d: U.Obj): U.Obj {
    if (!U.hasProgressDeadline(d)) return d;
    const cond = U.getCondition(d.status, 'Progressing');
    if (cond?.reason === U.Reasons.TimedOut) return d;
    const pausedExists = cond?.reason === U.Reasons.Paused;
    const status = clone(d.status ?? {});
    if (d.spec.paused && !pausedExists) {
      U.setCondition(status, U.newCondition('Progressing', 'Unknown', U.Reasons.Paused, 'Deployment is paused', this.ctx.now()));
    } else if (!d.spec.paused && pausedExists) {
      U.setCondition(status, U.newCondition('Progressing', 'Unknown', U.Reasons.Resumed, 'Deployment is resumed', this.ctx.now()));
    } else return d;
    return this.writeStatus(d, status);
  }

  // ---------------------------------------------------------------- new / old replica sets

  private getAllReplicaSetsAndSyncRevision(d: U.Obj, rsList: KubeObject[], createIfNotExisted: boolean): { d: U.Obj; newRS?: KubeObject; oldRSs: KubeObject[] } {
    const oldRSs = U.findOldReplicaSets(d, rsList);
    const r = this.getNewReplicaSet(d, rsList, oldRSs, createIfNotExisted);
    return { d: r.d, newRS: r.newRS, oldRSs };
  }

  private getNewReplicaSet(d: U.Obj, rsList: KubeObject[], oldRSs: KubeObject[], createIfNotExisted: boolean): { d: U.Obj; newRS?: KubeObject } {
    const { store } = this.ctx;
    const existing = U.findNewReplicaSet(d, rsList);
    const newRevision = String(U.maxRevision(oldRSs) + 1);

    if (existing) {
      let rsCopy = clone(existing) as U.Obj;
      const annotationsUpdated = U.setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReadyNeedsUpdate = (rsCopy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyNeedsUpdate) {
        rsCopy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        if (!rsCopy.spec.minReadySeconds) delete rsCopy.spec.minReadySeconds;
        rsCopy = store.update(R.replicaSets, rsCopy) as U.Obj;
        return { d, newRS: rsCopy };
      }
      // The deployment's revision follows its new replica set's.
      const rev = rsCopy.metadata.annotations?.[U.RevisionAnnotation];
      if (rev !== undefined && d.metadata.annotations?.[U.RevisionAnnotation] !== rev) d = this.writeRevision(d, rev);
      const cond = U.getCondition(d.status, 'Progressing');
      if (U.hasProgressDeadline(d) && !cond) {
        const status = clone(d.status ?? {});
        U.setCondition(status, U.newCondition('Progressing', 'True', U.Reasons.FoundNewRS, `Found new replica set "${rsCopy.metadata.name}"`, this.ctx.now()));
        d = this.writeStatus(d, status);
      }
      return { d, newRS: rsCopy };
    }
    if (!createIfNotExisted) return { d };

    const template = clone(d.spec.template ?? {});
    const collisionCount = d.status?.collisionCount as number | undefined;
    const hash = computeHash(template, collisionCount);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [U.PodTemplateHashLabel]: hash };
    const selector = clone(d.spec.selector ?? {}) as LabelSelector;
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [U.PodTemplateHashLabel]: hash };

    const newRS: U.Obj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [newControllerRef(d)],
        labels: { ...template.metadata.labels },
      },
      spec: {
        replicas: 0,
        ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        selector,
        template,
      },
    };
    const allRSs = [...oldRSs, newRS];
    const newReplicasCount = U.newRSNewReplicas(d, allRSs, newRS);
    newRS.spec.replicas = newReplicasCount;
    U.setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: KubeObject;
    let alreadyExists = false;
    try {
      created = store.create(R.replicaSets, newRS);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        const status = clone(d.status ?? {});
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${(err as Error).message}`;
        if (U.hasProgressDeadline(d)) U.setCondition(status, U.newCondition('ReplicaFailure', 'True', U.Reasons.FailedRSCreate, msg, this.ctx.now()));
        this.ctx.events.record(d, 'Warning', U.Reasons.FailedRSCreate, msg, COMPONENT);
        this.writeStatus(d, status);
        throw err;
      }
      alreadyExists = true;
      const rs = store.get(R.replicaSets, d.metadata.namespace, newRS.metadata.name!);
      const ref = rs && controllerRefOf(rs);
      if (rs && ref?.uid === d.metadata.uid && U.equalIgnoreHash(d.spec.template, (rs.spec as any)?.template)) {
        created = rs;
      } else {
        // A hash collision with a foreign replica set: bump collisionCount and retry.
        const status = clone(d.status ?? {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        this.writeStatus(d, status);
        throw new Error(`hash collision for replica set ${newRS.metadata.name}; collisionCount now ${status.collisionCount}`);
      }
    }
    if (!alreadyExists && newReplicasCount > 0) {
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicasCount}`, COMPONENT);
    }
    if (d.metadata.annotations?.[U.RevisionAnnotation] !== newRevision) d = this.writeRevision(d, newRevision);
    if (!alreadyExists && U.hasProgressDeadline(d)) {
      const status = clone(d.status ?? {});
      U.setCondition(status, U.newCondition('Progressing', 'True', U.Reasons.NewReplicaSet, `Created new replica set "${created.metadata.name}"`, this.ctx.now()));
      d = this.writeStatus(d, status);
    }
    return { d, newRS: created };
  }

  // ---------------------------------------------------------------- scaling

  private isScalingEvent(d: U.Obj, rsList: KubeObject[]): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    for (const rs of U.filterActive([...oldRSs, newRS])) {
      const desired = U.annotationInt(rs, U.DesiredReplicasAnnotation);
      if (desired === undefined) continue;
      if (desired !== U.replicasOf(d)) return true;
    }
    return false;
  }

  private syncScaleOrPause(d0: U.Obj, rsList: KubeObject[]): void {
    const { d, newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d0, rsList, false);
    const scaled = this.scale(d, newRS, oldRSs);
    if (d.spec.paused) this.cleanupDeployment(oldRSs, d);
    const fresh = (rs: KubeObject | undefined) => (rs ? scaled.get(rs.metadata.name!) ?? rs : undefined);
    this.syncDeploymentStatus([...oldRSs.map(fresh), fresh(newRS)], fresh(newRS), d);
  }

  /** Returns the replica sets it updated, by name. */
  private scale(d: U.Obj, newRS: KubeObject | undefined, oldRSs: KubeObject[]): Map<string, KubeObject> {
    const updated = new Map<string, KubeObject>();
    const activeOrLatest = U.findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (U.rsReplicas(activeOrLatest) === U.replicasOf(d)) return updated;
      const r = this.scaleReplicaSetAndRecordEvent(activeOrLatest, U.replicasOf(d), d);
      updated.set(r.rs.metadata.name!, r.rs);
      return updated;
    }
    if (U.isSaturated(d, newRS)) {
      for (const old of U.filterActive(oldRSs)) {
        const r = this.scaleReplicaSetAndRecordEvent(old, 0, d);
        updated.set(r.rs.metadata.name!, r.rs);
      }
      return updated;
    }
    if (!U.isRollingUpdate(d)) return updated;
    const allRSs = U.filterActive([...oldRSs, newRS]);
    const allRSsReplicas = U.replicaCount(allRSs);
    const allowedSize = U.replicasOf(d) > 0 ? U.replicasOf(d) + U.maxSurge(d) : 0;
    const toAdd = allowedSize - allRSsReplicas;
    let operation = '';
    if (toAdd > 0) {
      // ReplicaSetsBySizeNewer: larger first, newer first among equals.
      allRSs.sort((a, b) => U.rsReplicas(b) - U.rsReplicas(a) || -byCreation(a, b));
      operation = 'up';
    } else if (toAdd < 0) {
      allRSs.sort((a, b) => U.rsReplicas(b) - U.rsReplicas(a) || byCreation(a, b));
      operation = 'down';
    }
    let added = 0;
    const nameToSize = new Map<string, number>();
    for (const rs of allRSs) {
      if (toAdd !== 0) {
        const proportion = U.replicaSetProportion(rs, d, toAdd, added);
        nameToSize.set(rs.metadata.name!, U.rsReplicas(rs) + proportion);
        added += proportion;
      } else nameToSize.set(rs.metadata.name!, U.rsReplicas(rs));
    }
    allRSs.forEach((rs, i) => {
      if (i === 0 && toAdd !== 0) {
        const leftover = toAdd - added;
        nameToSize.set(rs.metadata.name!, Math.max(0, nameToSize.get(rs.metadata.name!)! + leftover));
      }
      const r = this.scaleReplicaSet(rs, nameToSize.get(rs.metadata.name!)!, d, operation);
      updated.set(r.rs.metadata.name!, r.rs);
    });
    return updated;
  }

  private scaleReplicaSetAndRecordEvent(rs: KubeObject, newScale: number, d: U.Obj): { scaled: boolean; rs: KubeObject } {
    if (U.rsReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, d, U.rsReplicas(rs) < newScale ? 'up' : 'down');
  }

  private scaleReplicaSet(rs: KubeObject, newScale: number, d: U.Obj, operation: string): { scaled: boolean; rs: KubeObject } {
    const sizeNeedsUpdate = U.rsReplicas(rs) !== newScale;
    const max = U.replicasOf(d) + U.maxSurge(d);
    const annotationsNeedUpdate = U.replicasAnnotationsNeedUpdate(rs, U.replicasOf(d), max);
    if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, rs };
    const oldScale = U.rsReplicas(rs);
    const copy = clone(rs) as U.Obj;
    copy.spec.replicas = newScale;
    U.setReplicasAnnotations(copy, U.replicasOf(d), max);
    const updated = this.ctx.store.update(R.replicaSets, copy);
    if (sizeNeedsUpdate) {
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`, COMPONENT);
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  // ---------------------------------------------------------------- rolling update

  private rolloutRolling(d0: U.Obj, rsList: KubeObject[]): void {
    const r = this.getAllReplicaSetsAndSyncRevision(d0, rsList, true);
    const d = r.d;
    let newRS = r.newRS!;
    let oldRSs = r.oldRSs;
    const all = () => [...oldRSs, newRS];

    const up = this.reconcileNewReplicaSet(all(), newRS, d);
    if (up.scaled) {
      newRS = up.rs;
      this.syncRolloutStatus(all(), newRS, d);
      return;
    }
    const down = this.reconcileOldReplicaSets(all(), U.filterActive(oldRSs), newRS, d);
    if (down.scaled) {
      oldRSs = oldRSs.map((rs) => down.updated.get(rs.metadata.name!) ?? rs);
      this.syncRolloutStatus(all(), newRS, d);
      return;
    }
    if (U.deploymentComplete(d, d.status ?? {})) this.cleanupDeployment(oldRSs, d);
    this.syncRolloutStatus(all(), newRS, d);
  }

  private reconcileNewReplicaSet(allRSs: KubeObject[], newRS: KubeObject, d: U.Obj): { scaled: boolean; rs: KubeObject } {
    if (U.rsReplicas(newRS) === U.replicasOf(d)) return { scaled: false, rs: newRS };
    if (U.rsReplicas(newRS) > U.replicasOf(d)) return this.scaleReplicaSetAndRecordEvent(newRS, U.replicasOf(d), d);
    const count = U.newRSNewReplicas(d, allRSs, newRS);
    return this.scaleReplicaSetAndRecordEvent(newRS, count, d);
  }

  private reconcileOldReplicaSets(allRSs: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject, d: U.Obj): { scaled: boolean; updated: Map<string, KubeObject> } {
    const updated = new Map<string, KubeObject>();
    const oldPodsCount = U.replicaCount(oldRSs);
    if (oldPodsCount === 0) return { scaled: false, updated };
    const allPodsCount = U.replicaCount(allRSs);
    const minAvailable = U.replicasOf(d) - U.maxUnavailable(d);
    const newRSUnavailable = U.rsReplicas(newRS) - (((newRS.status as any)?.availableReplicas as number | undefined) ?? 0);
    const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable;
    if (maxScaledDown <= 0) return { scaled: false, updated };

    // Unhealthy old replicas go first, or they would block the rollout forever.
    const sorted = [...oldRSs].sort(byCreation);
    let cleanup = 0;
    for (let i = 0; i < sorted.length; i++) {
      const rs = sorted[i];
      if (cleanup >= maxScaledDown) break;
      const avail = ((rs.status as any)?.availableReplicas as number | undefined) ?? 0;
      if (U.rsReplicas(rs) === 0 || U.rsReplicas(rs) === avail) continue;
      const scaleDown = Math.min(maxScaledDown - cleanup, U.rsReplicas(rs) - avail);
      const r = this.scaleReplicaSetAndRecordEvent(rs, U.rsReplicas(rs) - scaleDown, d);
      sorted[i] = r.rs;
      updated.set(r.rs.metadata.name!, r.rs);
      cleanup += scaleDown;
    }
    // Then healthy ones, as far as maxUnavailable allows.
    let scaledDown = 0;
    const available = U.availableReplicaCount([...sorted, newRS]);
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of [...sorted].sort(byCreation)) {
        if (scaledDown >= total) break;
        if (U.rsReplicas(rs) === 0) continue;
        const n = Math.min(U.rsReplicas(rs), total - scaledDown);
        const r = this.scaleReplicaSetAndRecordEvent(rs, U.rsReplicas(rs) - n, d);
        updated.set(r.rs.metadata.name!, r.rs);
        scaledDown += n;
      }
    }
    return { scaled: cleanup + scaledDown > 0, updated };
  }

  // ---------------------------------------------------------------- recreate

  private rolloutRecreate(d0: U.Obj, rsList: KubeObject[]): void {
    let { d, newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d0, rsList, false);
    let scaledDown = false;
    for (const rs of U.filterActive(oldRSs)) {
      const r = this.scaleReplicaSetAndRecordEvent(rs, 0, d);
      if (r.scaled) {
        scaledDown = true;
        oldRSs = oldRSs.map((o) => (o.metadata.name === r.rs.metadata.name ? r.rs : o));
      }
    }
    if (scaledDown) {
      this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    if (this.oldPodsRunning(newRS, oldRSs, d)) {
      this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    if (!newRS) {
      const r = this.getAllReplicaSetsAndSyncRevision(d, rsList, true);
      d = r.d;
      newRS = r.newRS;
      oldRSs = r.oldRSs;
    }
    if (newRS && U.rsReplicas(newRS) !== U.replicasOf(d)) newRS = this.scaleReplicaSetAndRecordEvent(newRS, U.replicasOf(d), d).rs;
    if (U.deploymentComplete(d, d.status ?? {})) this.cleanupDeployment(oldRSs, d);
    this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
  }

  private oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[], d: KubeObject): boolean {
    if (U.actualReplicaCount(oldRSs) > 0) return true;
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    for (const pod of this.ctx.store.list(R.pods, { namespace: d.metadata.namespace }).items) {
      const ref = controllerRefOf(pod);
      if (!ref || !oldUids.has(ref.uid) || ref.uid === newRS?.metadata.uid) continue;
      const phase = (pod.status as any)?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- cleanup and status

  private cleanupDeployment(oldRSs: KubeObject[], d: U.Obj): void {
    if (!U.hasRevisionHistoryLimit(d)) return;
    const cleanable = oldRSs.filter((rs) => !isDeleting(rs));
    const diff = cleanable.length - (d.spec.revisionHistoryLimit as number);
    if (diff <= 0) return;
    cleanable.sort((a, b) => U.revisionOf(a) - U.revisionOf(b) || byCreation(a, b));
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      const s = (rs.status ?? {}) as Record<string, any>;
      if ((s.replicas ?? 0) !== 0 || U.rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) continue;
      try {
        this.ctx.store.delete(R.replicaSets, rs.metadata.namespace, rs.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: rs.metadata.uid } });
      } catch {
        // already gone
      }
    }
  }

  private calculateStatus(allRSs: (KubeObject | undefined)[], newRS: KubeObject | undefined, d: U.Obj): Record<string, any> {
    const available = U.availableReplicaCount(allRSs);
    const total = U.replicaCount(allRSs);
    const unavailable = Math.max(0, total - available);
    const status: Record<string, any> = {
      observedGeneration: d.metadata.generation,
      replicas: U.actualReplicaCount(allRSs),
      updatedReplicas: U.actualReplicaCount([newRS]),
      readyReplicas: U.readyReplicaCount(allRSs),
      availableReplicas: available,
      unavailableReplicas: unavailable,
    };
    // Only when every ReplicaSet reports it (GetTerminatingReplicaCountForReplicaSets).
    const sets = allRSs.filter((rs): rs is KubeObject => !!rs);
    if (sets.every((rs) => typeof (rs.status as any)?.terminatingReplicas === 'number')) {
      status.terminatingReplicas = sets.reduce((n, rs) => n + ((rs.status as any).terminatingReplicas as number), 0);
    }
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    if (d.status?.conditions) status.conditions = clone(d.status.conditions);
    if (available >= U.replicasOf(d) - U.maxUnavailable(d)) {
      U.setCondition(status, U.newCondition('Available', 'True', U.Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', this.ctx.now()));
    } else {
      U.setCondition(status, U.newCondition('Available', 'False', U.Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', this.ctx.now()));
    }
    return status;
  }

  private syncDeploymentStatus(allRSs: (KubeObject | undefined)[], newRS: KubeObject | undefined, d: U.Obj): void {
    const status = this.calculateStatus(allRSs, newRS, d);
    if (statusEqual(d.status, status)) return;
    this.writeStatus(d, status);
  }

  private syncStatusOnly(d0: U.Obj, rsList: KubeObject[]): void {
    const { d, newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d0, rsList, false);
    this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  private syncRolloutStatus(allRSs: (KubeObject | undefined)[], newRS: KubeObject | undefined, d: U.Obj): void {
    const status = this.calculateStatus(allRSs, newRS, d);
    const now = this.ctx.now();
    if (!U.hasProgressDeadline(d)) U.removeCondition(status, 'Progressing');
    const currentCond = U.getCondition(d.status, 'Progressing');
    const isComplete = status.replicas === status.updatedReplicas && currentCond?.reason === U.Reasons.NewRSAvailable;
    if (U.hasProgressDeadline(d) && !isComplete) {
      if (U.deploymentComplete(d, status)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
        U.setCondition(status, U.newCondition('Progressing', 'True', U.Reasons.NewRSAvailable, msg, now));
      } else if (U.deploymentProgressing(d, status)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        const cond = U.newCondition('Progressing', 'True', U.Reasons.ReplicaSetUpdated, msg, now);
        if (currentCond) {
          if (currentCond.status === 'True') cond.lastTransitionTime = currentCond.lastTransitionTime;
          U.removeCondition(status, 'Progressing');
        }
        status.conditions = [...(status.conditions ?? []), cond];
      } else if (U.deploymentTimedOut(d, status, now.getTime())) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        U.setCondition(status, U.newCondition('Progressing', 'False', U.Reasons.TimedOut, msg, now));
      }
    }
    const failure = this.replicaFailure(allRSs, newRS);
    if (failure) U.setCondition(status, failure);
    else U.removeCondition(status, 'ReplicaFailure');

    if (statusEqual(d.status, status)) {
      this.requeueStuckDeployment(d, status);
      return;
    }
    const updated = this.writeStatus(d, status);
    this.requeueStuckDeployment(d, updated.status ?? status);
  }

  private replicaFailure(allRSs: (KubeObject | undefined)[], newRS: KubeObject | undefined): U.DeploymentCondition | undefined {
    const pick = (rs: KubeObject | undefined) => ((rs?.status as any)?.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure');
    const fromNew = pick(newRS);
    const c = fromNew ?? allRSs.map(pick).find(Boolean);
    if (!c) return undefined;
    return { type: 'ReplicaFailure', status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  }

  /** Re-checks a rollout when its progress deadline would pass (no resync loop needed). */
  private requeueStuckDeployment(d: U.Obj, status: Record<string, any>): void {
    const cond = U.getCondition(d.status, 'Progressing');
    if (!U.hasProgressDeadline(d) || !cond) return;
    if (U.deploymentComplete(d, status) || cond.reason === U.Reasons.TimedOut) return;
    const deadline = Date.parse(cond.lastUpdateTime ?? '') + U.progressDeadlineSeconds(d) * 1000;
    const after = deadline - this.ctx.now().getTime();
    const key = objectKey(d.metadata.namespace, d.metadata.name!);
    if (after < 1000) this.queue.addAfter(key, 1000);
    else this.queue.addAfter(key, after + 1000);
  }
}

/** DeploymentStatus' integer fields are all `omitempty`. */
function omitZeros(status: Record<string, any>): Record<string, any> {
  const out = clone(status);
  for (const k of Object.keys(out)) if ((out[k] === 0 && k !== 'terminatingReplicas') || out[k] === undefined) delete out[k];
  return out;
}

/** Compares statuses ignoring condition timestamps that setCondition would have kept. */
function statusEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizeStatus(a)) === JSON.stringify(normalizeStatus(b));
}

function normalizeStatus(s: unknown): unknown {
  const c = clone((s ?? {}) as Record<string, any>);
  for (const k of Object.keys(c)) if ((c[k] === 0 && k !== 'terminatingReplicas') || c[k] === undefined) delete c[k];
  if (Array.isArray(c.conditions)) c.conditions = [...c.conditions].sort((x: any, y: any) => String(x.type).localeCompare(String(y.type)));
  return sortKeys(c);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return; // conflicts and races are retried quietly
  process.stderr.write(`deployment-controller: sync ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}

