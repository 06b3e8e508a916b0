// Pure helpers ported from k8s.io/kubernetes/pkg/controller/deployment/util/deployment_util.go.
import type { KubeObject } from '../../store/types';
import { scaledValue } from '../util/intstr';
import { semanticEqual } from '../util/hash';
import { byCreation, timestamp } from '../util/meta';

export const RevisionAnnotation = 'deployment.kubernetes.io/revision';
export const RevisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const DesiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const MaxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const LastAppliedConfigAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
export const DeprecatedRollbackTo = 'deprecated.deployment.rollback.to';
export const PodTemplateHashLabel = 'pod-template-hash';

export const Reasons = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  FailedRSCreate: 'ReplicaSetCreateError',
} as const;

const MAX_INT32 = 2147483647;
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export type Obj = KubeObject & { spec: Record<string, any>; status?: Record<string, any> };

export function replicasOf(obj: KubeObject): number {
  const r = (obj.spec as Record<string, any> | undefined)?.replicas;
  return typeof r === 'number' ? r : 1;
}

export function rsReplicas(rs: KubeObject): number {
  const r = (rs.spec as Record<string, any> | undefined)?.replicas;
  return typeof r === 'number' ? r : 1;
}

function st(obj: KubeObject | undefined, field: string): number {
  return ((obj?.status as Record<string, any> | undefined)?.[field] as number | undefined) ?? 0;
}

export function strategyType(d: KubeObject): string {
  return (d.spec as any)?.strategy?.type ?? 'RollingUpdate';
}

export function isRollingUpdate(d: KubeObject): boolean {
  return strategyType(d) === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable rounds down; both zero → unavailable 1. */
export function resolveFenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const ru = (d.spec as any)?.strategy?.rollingUpdate ?? {};
  const desired = replicasOf(d);
  const surge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d).surge;
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, replicas);
}

export function hasProgressDeadline(d: KubeObject): boolean {
  const p = (d.spec as any)?.progressDeadlineSeconds;
  return typeof p === 'number' && p !== MAX_INT32;
}

export function progressDeadlineSeconds(d: KubeObject): number {
  return (d.spec as any)?.progressDeadlineSeconds ?? 600;
}

export function hasRevisionHistoryLimit(d: KubeObject): boolean {
  const l = (d.spec as any)?.revisionHistoryLimit;
  return typeof l === 'number' && l !== MAX_INT32;
}

/** Template equality ignoring the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  const strip = (t: any) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) delete c.metadata.labels[PodTemplateHashLabel];
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}

/** The oldest replica set whose template matches the deployment's (FindNewReplicaSet). */
export function findNewReplicaSet(d: KubeObject, rsList: KubeObject[]): KubeObject | undefined {
  const sorted = [...rsList].sort(byCreation);
  return sorted.find((rs) => equalIgnoreHash((rs.spec as any)?.template, (d.spec as any)?.template));
}

export function findOldReplicaSets(d: KubeObject, rsList: KubeObject[]): KubeObject[] {
  const newRS = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => rs !== newRS);
}

export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[RevisionAnnotation];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

export function maxRevision(rsList: KubeObject[]): number {
  return rsList.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

export function replicaCount(rsList: (KubeObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + (rs ? rsReplicas(rs) : 0), 0);
}

export function actualReplicaCount(rsList: (KubeObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + st(rs, 'replicas'), 0);
}

export function readyReplicaCount(rsList: (KubeObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + st(rs, 'readyReplicas'), 0);
}

export function availableReplicaCount(rsList: (KubeObject | undefined)[]): number {
  return rsList.reduce((n, rs) => n + st(rs, 'availableReplicas'), 0);
}

export function filterActive(rsList: (KubeObject | undefined)[]): KubeObject[] {
  return rsList.filter((rs): rs is KubeObject => !!rs && rsReplicas(rs) > 0);
}

const SKIP_COPY = new Set([LastAppliedConfigAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, DeprecatedRollbackTo]);

/** copyDeploymentAnnotationsToReplicaSet: every deployment annotation but the bookkeeping ones. */
export function copyDeploymentAnnotationsToReplicaSet(d: KubeObject, rs: KubeObject): boolean {
  let changed = false;
  rs.metadata.annotations ??= {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || rs.metadata.annotations[k] === v) continue;
    rs.metadata.annotations[k] = v;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  rs.metadata.annotations ??= {};
  const a = rs.metadata.annotations;
  const d = String(desired);
  const m = String(max);
  if (a[DesiredReplicasAnnotation] === d && a[MaxReplicasAnnotation] === m) return false;
  a[DesiredReplicasAnnotation] = d;
  a[MaxReplicasAnnotation] = m;
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DesiredReplicasAnnotation] !== String(desired) || a[MaxReplicasAnnotation] !== String(max);
}

/** SetNewReplicaSetAnnotations: copies annotations, bumps the revision, keeps revision-history. */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: string, exists: boolean): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const had = Object.prototype.hasOwnProperty.call(a, RevisionAnnotation);
  const oldRevision = a[RevisionAnnotation] ?? '';
  let oldRevisionInt = Number.parseInt(oldRevision, 10);
  if (Number.isNaN(oldRevisionInt)) {
    if (oldRevision !== '') return false;
    oldRevisionInt = 0;
  }
  const newRevisionInt = Number.parseInt(newRevision, 10);
  if (oldRevisionInt < newRevisionInt) {
    a[RevisionAnnotation] = newRevision;
    changed = true;
  }
  if (had && oldRevisionInt < newRevisionInt) {
    const history = a[RevisionHistoryAnnotation] ?? '';
    if (history.length === 0) {
      a[RevisionHistoryAnnotation] = oldRevision;
    } else {
      let revisions = history.split(',');
      let totalLen = history.length + oldRevision.length + 1;
      let start = 0;
      while (totalLen > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < revisions.length) {
        totalLen -= revisions[start].length + 1;
        start++;
      }
      if (totalLen <= MAX_REV_HISTORY_LENGTH_IN_CHARS) {
        revisions = [...revisions.slice(start), oldRevision];
        a[RevisionHistoryAnnotation] = revisions.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** SetDeploymentRevision. */
export function setDeploymentRevision(d: KubeObject, revision: string): boolean {
  d.metadata.annotations ??= {};
  if (d.metadata.annotations[RevisionAnnotation] === revision) return false;
  d.metadata.annotations[RevisionAnnotation] = revision;
  return true;
}

export function getCondition(status: Record<string, any> | undefined, type: string): DeploymentCondition | undefined {
  return ((status?.conditions ?? []) as DeploymentCondition[]).find((c) => c.type === type);
}

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: Date): DeploymentCondition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function setCondition(status: Record<string, any>, cond: DeploymentCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...((status.conditions ?? []) as DeploymentCondition[]).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: Record<string, any>, type: string): void {
  if (!status.conditions) return;
  status.conditions = (status.conditions as DeploymentCondition[]).filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

export function deploymentComplete(d: KubeObject, status: Record<string, any>): boolean {
  const r = replicasOf(d);
  return (status.updatedReplicas ?? 0) === r && (status.replicas ?? 0) === r && (status.availableReplicas ?? 0) === r && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

export function deploymentProgressing(d: KubeObject, status: Record<string, any>): boolean {
  const old = (d.status ?? {}) as Record<string, any>;
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export function deploymentTimedOut(d: KubeObject, status: Record<string, any>, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, 'Progressing');
  if (!cond) return false;
  if (cond.reason === Reasons.NewRSAvailable) return false;
  if (cond.reason === Reasons.TimedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return from + progressDeadlineSeconds(d) * 1000 < nowMs;
}

/** NewRSNewReplicas: how big the new replica set may be right now. */
export function newRSNewReplicas(d: KubeObject, allRSs: (KubeObject | undefined)[], newRS: KubeObject): number {
  if (strategyType(d) === 'Recreate') return replicasOf(d);
  const surge = scaledValue((d.spec as any)?.strategy?.rollingUpdate?.maxSurge ?? '25%', replicasOf(d), true);
  const current = replicaCount(allRSs);
  const maxTotal = replicasOf(d) + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicasOf(d) - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

/** IsSaturated: the new RS has all desired replicas and they are available. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desired = Number.parseInt(rs.metadata.annotations?.[DesiredReplicasAnnotation] ?? '', 10);
  if (Number.isNaN(desired)) return false;
  return rsReplicas(rs) === replicasOf(d) && desired === replicasOf(d) && st(rs, 'availableReplicas') === replicasOf(d);
}

/** FindActiveOrLatest. */
export function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sorted = [...oldRSs].sort((a, b) => -byCreation(a, b));
  const all = filterActive([newRS, ...sorted]);
  if (all.length === 0) return newRS ?? sorted[0];
  if (all.length === 1) return all[0];
  return undefined;
}

export function annotationInt(rs: KubeObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

/** GetReplicaSetProportion. */
export function replicaSetProportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: KubeObject, d: KubeObject): number {
  if (replicasOf(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = annotationInt(rs, MaxReplicasAnnotation) ?? st(d, 'replicas');
  if (annotated <= 0) return 0;
  const newSize = (rsReplicas(rs) * deploymentReplicas) / annotated;
  return Math.round(newSize) - rsReplicas(rs);
}
