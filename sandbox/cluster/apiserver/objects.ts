// The write path shared by create, update, patch and apply: strip what clients may not set,
// default, validate, run admission, record managedFields, and write (or, with dryRun, don't).
import { randomUUID } from 'node:crypto';
import { applyDefaults } from '../api/defaults';
import { badRequest, notFound, StatusError } from '../api/errors';
import { REF, type ResourceInfo } from '../api/registry';
import { validateObject, validateUpdate } from '../api/validation';
import type { ClusterContext } from '../context';
import { GENERATION_KINDS } from '../store/memory-store';
import type { KubeObject } from '../store/types';
import { recordUpdate } from './managed-fields';

export interface WriteOptions {
  dryRun: boolean;
  manager: string;
  /** The subresource the write came through, for managedFields (e.g. `scale`). */
  viaSubresource?: string;
  /** Skip managedFields bookkeeping (server-side apply records its own entry). */
  managedFieldsDone?: boolean;
}

const ref = (info: ResourceInfo) => ({ group: info.group, resource: info.resource });

/** A create needs its namespace to exist and not be terminating. */
export function checkNamespace(ctx: ClusterContext, info: ResourceInfo, namespace: string | undefined, name: string): void {
  if (!info.namespaced || !namespace) return;
  const ns = ctx.store.get(REF.namespaces, undefined, namespace);
  if (!ns) throw notFound('', 'namespaces', namespace);
  if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    throw new StatusError(403, 'Forbidden', `${info.group ? `${info.resource}.${info.group}` : info.resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, { name, group: info.group, kind: info.resource });
  }
}

/** Jobs get a generated selector and matching template labels, keyed by their uid. */
function prepareJob(obj: KubeObject): void {
  const spec = (obj.spec ??= {}) as { manualSelector?: boolean; selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } };
  if (spec.manualSelector) return;
  const uid = (obj.metadata.uid ||= randomUUID());
  const name = obj.metadata.name ?? '';
  const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = { ...(spec.template.metadata.labels ?? {}), ...labels };
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
}

function stripServerFields(obj: KubeObject, info: ResourceInfo): void {
  const m = obj.metadata;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink', 'managedFields']) delete m[k];
  if (info.subresources.some((s) => s.name === 'status') && info.kind !== 'Service') delete obj.status;
}

/** ObjectMeta's maps and lists are `omitempty` in Go: an empty one is not stored (e.g. the `annotations: {}` kubectl diff/apply patches send). */
function dropEmptyMetadata(obj: KubeObject): void {
  const m = obj.metadata as Record<string, unknown>;
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    const v = m[k];
    if (v !== undefined && (v === null || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v as object).length === 0))) delete m[k];
  }
}

export function createObject(ctx: ClusterContext, info: ResourceInfo, input: KubeObject, opts: WriteOptions): KubeObject {
  const obj = structuredClone(input);
  // Like the etcd3 storage layer: a (parseable) resourceVersion on create is refused with a 500
  // that carries no reason; a copied `kubectl get -o yaml` output hits this.
  const rv = obj.metadata.resourceVersion;
  if (typeof rv === 'string' && /^[1-9]\d*$/.test(rv)) {
    const err = new StatusError(500, 'InternalError', 'resourceVersion should not be set on objects to be created');
    delete (err.status as { reason?: string }).reason;
    throw err;
  }
  const managedFields = obj.metadata.managedFields;
  stripServerFields(obj, info);
  dropEmptyMetadata(obj);
  if (opts.managedFieldsDone) obj.metadata.managedFields = managedFields;
  if (!info.namespaced) delete obj.metadata.namespace;
  if (!obj.metadata.name && obj.metadata.generateName) {
    // Validate the prefix as a name; the store appends the random suffix.
    validateObject(info, { ...obj, metadata: { ...obj.metadata, name: `${obj.metadata.generateName}x` } });
  }
  checkNamespace(ctx, info, obj.metadata.namespace, obj.metadata.name ?? obj.metadata.generateName ?? '');
  applyDefaults(obj);
  if (info.kind === 'Job' && info.group === 'batch') prepareJob(obj);
  validateObject(info, obj, { checkName: !!obj.metadata.name || !obj.metadata.generateName });
  const admitted = ctx.admission.run(ref(info), 'CREATE', obj, undefined);
  if (!opts.managedFieldsDone) recordUpdate(undefined, admitted, opts.manager, ctx.now());
  if (opts.dryRun) {
    const preview = structuredClone(admitted);
    preview.metadata.uid ||= randomUUID();
    preview.metadata.creationTimestamp = ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (GENERATION_KINDS.has(preview.kind)) preview.metadata.generation = 1;
    if (!preview.metadata.name && preview.metadata.generateName) preview.metadata.name = `${preview.metadata.generateName}xxxxx`;
    return preview;
  }
  return ctx.store.create(ref(info), admitted);
}

/**
 * Replaces `current` with `next` (the full desired object). `subresource` 'status' writes only
 * the status. Metadata the server owns is carried over from `current`.
 */
export function updateObject(ctx: ClusterContext, info: ResourceInfo, current: KubeObject, input: KubeObject, opts: WriteOptions & { subresource?: 'status' }): KubeObject {
  const next = structuredClone(input);
  dropEmptyMetadata(next);
  const m = next.metadata;
  if (m.name !== undefined && m.name !== current.metadata.name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${current.metadata.name})`);
  if (info.namespaced && m.namespace !== undefined && m.namespace !== '' && m.namespace !== current.metadata.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  m.name = current.metadata.name;
  if (info.namespaced) m.namespace = current.metadata.namespace;
  else delete m.namespace;
  // Server-owned metadata is never taken from the client.
  m.uid = current.metadata.uid;
  m.creationTimestamp = current.metadata.creationTimestamp;
  m.generation = current.metadata.generation;
  if (current.metadata.deletionTimestamp) m.deletionTimestamp = current.metadata.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (!m.managedFields) m.managedFields = current.metadata.managedFields;
  if (opts.subresource !== 'status') {
    applyDefaults(next);
    if (info.kind === 'Job' && info.group === 'batch') {
      // The job's selector and template labels are immutable; keep them.
      (next.spec as Record<string, unknown>).selector = (current.spec as Record<string, unknown> | undefined)?.selector;
    }
    validateObject(info, next);
    validateUpdate(info, next, current);
  }
  const admitted = ctx.admission.run(ref(info), 'UPDATE', next, current);
  if (!opts.managedFieldsDone) recordUpdate(current, admitted, opts.manager, ctx.now(), opts.subresource ?? opts.viaSubresource);
  if (opts.dryRun) return admitted;
  return ctx.store.update(ref(info), admitted, opts.subresource ? { subresource: opts.subresource } : undefined);
}
