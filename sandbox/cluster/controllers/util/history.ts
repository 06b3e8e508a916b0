// ControllerRevisions for DaemonSets and StatefulSets (pkg/controller/history): each distinct
// pod template is stored as a revision `<owner>-<hash>` with a `controller-revision-hash`
// label, so `kubectl rollout history/undo daemonset|statefulset` work like upstream.
import type { ClusterContext } from '../../context';
import type { KubeObject } from '../../store/types';
import { computeHash, semanticEqual } from './hash';
import { controllerRefOf, isAlreadyExists, newControllerRef, R } from './meta';

export const ControllerRevisionHashLabel = 'controller-revision-hash';

export function revisionData(owner: KubeObject): Record<string, unknown> {
  const template = structuredClone(((owner.spec as Record<string, any>)?.template ?? {}) as Record<string, unknown>);
  return { spec: { template: { ...template, $patch: 'replace' } } };
}

export function ownedRevisions(ctx: ClusterContext, owner: KubeObject): KubeObject[] {
  return ctx.store
    .list(R.controllerRevisions, { namespace: owner.metadata.namespace })
    .items.filter((r) => controllerRefOf(r)?.uid === owner.metadata.uid)
    .sort((a, b) => ((a.revision as number) ?? 0) - ((b.revision as number) ?? 0));
}

/**
 * The revision for the owner's current template: an existing one with equal data (its revision
 * number bumped to the newest, as upstream does on rollback), or a new one.
 */
export function ensureCurrentRevision(ctx: ClusterContext, owner: KubeObject): { revision: KubeObject; hash: string; all: KubeObject[] } {
  const all = ownedRevisions(ctx, owner);
  const data = revisionData(owner);
  const max = all.reduce((m, r) => Math.max(m, (r.revision as number) ?? 0), 0);
  const existing = all.filter((r) => semanticEqual(r.data, data));
  if (existing.length) {
    let rev = existing[existing.length - 1];
    if (((rev.revision as number) ?? 0) < max) {
      rev = ctx.store.mutate(R.controllerRevisions, rev.metadata.namespace, rev.metadata.name!, (cur) => ({ ...cur, revision: max + 1 }))!;
    }
    return { revision: rev, hash: rev.metadata.labels?.[ControllerRevisionHashLabel] ?? '', all: ownedRevisions(ctx, owner) };
  }
  const collisionCount = ((owner.status as Record<string, any>)?.collisionCount as number | undefined) ?? undefined;
  for (let bump = 0; bump < 5; bump++) {
    const hash = computeHash(data, collisionCount === undefined && bump === 0 ? undefined : (collisionCount ?? 0) + bump);
    const labels = { ...((((owner.spec as Record<string, any>)?.template?.metadata?.labels) ?? {}) as Record<string, string>), [ControllerRevisionHashLabel]: hash };
    const obj: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: `${owner.metadata.name}-${hash}`, namespace: owner.metadata.namespace, labels, ownerReferences: [newControllerRef(owner)], ...(owner.metadata.annotations ? { annotations: filteredAnnotations(owner.metadata.annotations) } : {}) },
      data,
      revision: max + 1,
    };
    try {
      const created = ctx.store.create(R.controllerRevisions, obj);
      return { revision: created, hash, all: ownedRevisions(ctx, owner) };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const other = ctx.store.get(R.controllerRevisions, owner.metadata.namespace, obj.metadata.name!);
      if (other && controllerRefOf(other)?.uid === owner.metadata.uid && semanticEqual(other.data, data)) return { revision: other, hash, all: ownedRevisions(ctx, owner) };
    }
  }
  throw new Error(`could not create a ControllerRevision for ${owner.kind} ${owner.metadata.name}`);
}

function filteredAnnotations(a: Record<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (k !== 'kubectl.kubernetes.io/last-applied-configuration' && k !== 'deprecated.daemonset.template.generation') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** Deletes the oldest revisions beyond revisionHistoryLimit, never one still in use. */
export function truncateHistory(ctx: ClusterContext, owner: KubeObject, all: KubeObject[], live: Set<string>): void {
  const limit = ((owner.spec as Record<string, any>)?.revisionHistoryLimit as number | undefined) ?? 10;
  const old = all.filter((r) => !live.has(r.metadata.name!));
  const excess = old.length - limit;
  for (let i = 0; i < excess; i++) {
    try {
      ctx.store.delete(R.controllerRevisions, old[i].metadata.namespace, old[i].metadata.name!);
    } catch {
      /* gone */
    }
  }
}
