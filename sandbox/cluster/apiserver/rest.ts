// REST verbs on resources: list/get/create/update/patch/delete/deletecollection plus the
// status, scale, binding and eviction subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, notFound, StatusError } from '../api/errors';
import { apiVersionOf, REF, type ResourceInfo } from '../api/registry';
import { labelSelectorFromObject, labelSelectorToString, parseFieldSelector, parseLabelSelector } from '../api/selectors';
import type { ClusterContext } from '../context';
import type { DeleteOptions, KubeObject, ResourceRef } from '../store/types';
import { bindingSchema, deleteOptionsSchema, evictionSchema, parseBody } from './bodies';
import { sendJson, sendStatus, successStatus } from './http';
import { ApplyConflictError, fieldSet, recordManagedFields, serverSideApply } from './managed-fields';
import { createObject, updateObject, type WriteOptions } from './objects';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, type ListPatchMeta } from './patch';
import { openapiModule, tablesModule } from './plugins';
import { findTypeError } from './type-check';
import { asKubeObject, outputShape, queryFlag, queryInt, readObjectBody, readPatchBody, type ResourceTarget } from './request';

export interface RestContext {
  ctx: ClusterContext;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  target: ResourceTarget;
}

const refOf = (info: ResourceInfo): ResourceRef => ({ group: info.group, resource: info.resource });
const listKind = (info: ResourceInfo) => `${info.kind}List`;

function verbAllowed(info: ResourceInfo, verb: string): void {
  if (!info.verbs.includes(verb)) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

function fieldSelectorFor(info: ResourceInfo, text: string | null): string | undefined {
  if (!text) return undefined;
  parseFieldSelector(text, ['metadata.name', 'metadata.namespace', ...info.fieldSelectors]);
  return text;
}

function writeOptions(rc: RestContext): WriteOptions {
  const dryRun = rc.query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return { dryRun: dryRun.includes('All'), manager: fieldManager(rc) };
}

function fieldManager(rc: RestContext): string {
  const fm = rc.query.get('fieldManager');
  if (fm) {
    if (fm.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return fm;
  }
  const ua = String(rc.req.headers['user-agent'] ?? 'unknown');
  return ua.split('/')[0] || 'unknown';
}

/** fieldValidation=Strict rejects unknown fields; Warn (kubectl's default) returns Warning headers. */
function checkUnknownFields(rc: RestContext, obj: KubeObject, verb: 'create' | 'update' | 'patch' = 'patch'): string[] {
  const mode = rc.query.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(mode)) throw badRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  const typeError = findTypeError(obj);
  if (typeError) {
    const prefix = verb === 'patch' ? '' : `${obj.kind} in version "${rc.target.info.version}" cannot be handled as a ${obj.kind}: `;
    throw badRequest(`${prefix}${typeError}`);
  }
  const unknown = openapiModule()?.findUnknownFields(obj) ?? [];
  if (unknown.length === 0) return [];
  if (mode === 'Ignore') {
    dropFields(obj, unknown);
    return [];
  }
  if (mode === 'Strict') {
    const msg = unknown.map((f) => `unknown field "${f}"`).join(', ');
    // Create and update decode a whole object, and Kubernetes says which type it was decoding.
    const prefix = verb === 'patch' ? '' : `${obj.kind} in version "${rc.target.info.version}" cannot be handled as a ${obj.kind}: `;
    throw badRequest(`${prefix}strict decoding error: ${msg}`);
  }
  // Like Kubernetes, fields the schema does not know are not stored.
  dropFields(obj, unknown);
  return unknown.map((f) => `299 - "unknown field \\"${f}\\""`);
}

/** Removes fields given as paths like `spec.replicaz` or `spec.template.spec.containers[0].imagee`. */
function dropFields(obj: KubeObject, paths: string[]): void {
  for (const path of paths) {
    const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
    let cur: unknown = obj;
    for (let i = 0; i < parts.length && cur && typeof cur === 'object'; i++) {
      const part = parts[i];
      const key: string | number = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
      if (i === parts.length - 1) {
        if (!Array.isArray(cur)) delete (cur as Record<string, unknown>)[key as string];
      } else cur = (cur as Record<string | number, unknown>)[key];
    }
  }
}

function respondObject(rc: RestContext, code: number, obj: unknown, warnings: string[] = []): void {
  const headers: Record<string, string> = {};
  if (warnings.length) rc.res.setHeader('Warning', warnings);
  sendJson(rc.res, code, obj, headers);
}

function asTable(rc: RestContext, items: KubeObject[]): Record<string, unknown> {
  const include = (rc.query.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
  if (!['None', 'Metadata', 'Object'].includes(include)) throw badRequest(`includeObject: Unsupported value: "${include}": supported values: "None", "Metadata", "Object"`);
  return buildTable(refOf(rc.target.info), items, include, rc.ctx.now());
}

/** Server-side Table (falls back to Name/Created At when the printers module is absent). */
export function buildTable(ref: ResourceRef, items: KubeObject[], include: 'None' | 'Metadata' | 'Object', now: Date): Record<string, unknown> {
  const tables = tablesModule();
  if (tables) return tables.toTable(ref, items, { wide: true, includeObject: include, now }) as Record<string, unknown>;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
    ],
    rows: items.map((o) => ({
      cells: [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
      ...(include === 'None' ? {} : { object: include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}

function partialMetadata(o: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

// ---------------- reads ----------------

interface ContinueToken {
  rv: string;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.rv === 'string' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: illegal base64 data');
}

export function handleList(rc: RestContext): void {
  const { info, namespace } = rc.target;
  verbAllowed(info, 'list');
  const labelSelector = rc.query.get('labelSelector') ?? undefined;
  parseLabelSelector(labelSelector);
  const fieldSelector = fieldSelectorFor(info, rc.query.get('fieldSelector'));
  const { items: all, resourceVersion } = rc.ctx.store.list(refOf(info), { namespace, labelSelector, fieldSelector });
  let items = all;
  const limit = queryInt(rc.query, 'limit');
  const cont = rc.query.get('continue');
  let next: string | undefined;
  let remaining: number | undefined;
  if (cont) {
    const token = decodeContinue(cont);
    const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    items = items.filter((o) => key(o) > token.start);
  }
  if (limit && limit > 0 && items.length > limit) {
    remaining = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    next = encodeContinue({ rv: resourceVersion, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` });
  }
  const metadata: Record<string, unknown> = { resourceVersion };
  if (next) {
    metadata.continue = next;
    metadata.remainingItemCount = remaining;
  }
  const shape = outputShape(rc.req.headers.accept);
  if (shape === 'table') {
    const table = asTable(rc, items);
    table.metadata = metadata;
    return respondObject(rc, 200, table);
  }
  if (shape === 'metadata') {
    return respondObject(rc, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map(partialMetadata) });
  }
  respondObject(rc, 200, { kind: listKind(info), apiVersion: apiVersionOf(info), metadata, items });
}

function getOrThrow(rc: RestContext): KubeObject {
  const { info, namespace, name } = rc.target;
  const obj = rc.ctx.store.get(refOf(info), namespace, name!);
  if (!obj) throw notFound(info.group, info.resource, name!);
  return obj;
}

export function handleGet(rc: RestContext): void {
  verbAllowed(rc.target.info, 'get');
  const obj = getOrThrow(rc);
  const shape = outputShape(rc.req.headers.accept);
  if (shape === 'table') {
    const table = asTable(rc, [obj]);
    table.metadata = { resourceVersion: obj.metadata.resourceVersion };
    return respondObject(rc, 200, table);
  }
  if (shape === 'metadata') return respondObject(rc, 200, partialMetadata(obj));
  respondObject(rc, 200, obj);
}

// ---------------- writes ----------------

export async function handleCreate(rc: RestContext): Promise<void> {
  const { info, namespace } = rc.target;
  verbAllowed(info, 'create');
  const obj = asKubeObject(await readObjectBody(rc.req, info.kind), info);
  if (info.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (!namespace) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    obj.metadata.namespace = namespace;
  }
  const warnings = checkUnknownFields(rc, obj, 'create');
  const created = createObject(rc.ctx, info, obj, writeOptions(rc));
  respondObject(rc, 201, created, warnings);
}

export async function handleUpdate(rc: RestContext): Promise<void> {
  const { info, subresource } = rc.target;
  verbAllowed(info, 'update');
  const current = getOrThrow(rc);
  const obj = asKubeObject(await readObjectBody(rc.req, info.kind), info);
  const warnings = checkUnknownFields(rc, obj, 'update');
  const updated = updateObject(rc.ctx, info, current, obj, { ...writeOptions(rc), subresource: subresource === 'status' ? 'status' : undefined });
  respondObject(rc, 200, updated, warnings);
}

/** List merge metadata for `kind` from the OpenAPI schema (when the OpenAPI module is present). */
function schemaListMeta(apiVersion: string, kind: string): ListPatchMeta | undefined {
  const lookup = openapiModule()?.patchMeta;
  if (!lookup) return undefined;
  return (path) => {
    const m = lookup(apiVersion, kind, path);
    if (!m) return undefined;
    return { merge: (m.patchStrategy ?? '').split(',').includes('merge'), mergeKey: m.patchMergeKey };
  };
}

function applyPatch(type: string, current: KubeObject, patch: unknown): unknown {
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(current, patch);
    case 'application/merge-patch+json':
      return applyMergePatch(current, patch);
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(current, patch, schemaListMeta(current.apiVersion, current.kind));
  }
  throw new StatusError(415, 'UnsupportedMediaType', `unsupported patch type ${type}`);
}

export async function handlePatch(rc: RestContext): Promise<void> {
  const { info, namespace, name, subresource } = rc.target;
  verbAllowed(info, 'patch');
  const { type, patch } = await readPatchBody(rc.req);
  const opts = writeOptions(rc);
  if (type === 'application/apply-patch+yaml') return handleApply(rc, patch, opts);
  if (rc.query.get('force')) throw badRequest('force: Forbidden: may not be specified for non-apply patch');
  for (let attempt = 0; ; attempt++) {
    const current = rc.ctx.store.get(refOf(info), namespace, name!);
    if (!current) throw notFound(info.group, info.resource, name!);
    const patched = asKubeObject(applyPatch(type, current, patch), info);
    // A patch that names a resourceVersion is a precondition; otherwise patches apply to the latest version.
    const pinned = hasResourceVersion(patch);
    if (!pinned) patched.metadata.resourceVersion = current.metadata.resourceVersion;
    const warnings = checkUnknownFields(rc, patched);
    try {
      const updated = updateObject(rc.ctx, info, current, patched, { ...opts, subresource: subresource === 'status' ? 'status' : undefined });
      return respondObject(rc, 200, updated, warnings);
    } catch (err) {
      if (!pinned && err instanceof StatusError && err.reason === 'Conflict' && attempt < 5) continue;
      throw err;
    }
  }
}

function hasResourceVersion(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op) => typeof op === 'object' && op !== null && (op as { path?: string }).path === '/metadata/resourceVersion');
  const meta = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta?.resourceVersion === 'string' && meta.resourceVersion !== '';
}

async function handleApply(rc: RestContext, body: unknown, opts: WriteOptions): Promise<void> {
  const { info, namespace, name, subresource } = rc.target;
  const manager = rc.query.get('fieldManager');
  if (!manager) throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const applied = asKubeObject(body, info);
  if (applied.metadata.name && applied.metadata.name !== name) throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  applied.metadata.name = name;
  if (info.namespaced) {
    if (applied.metadata.namespace && applied.metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    applied.metadata.namespace = namespace;
  }
  const warnings = checkUnknownFields(rc, applied);
  const current = rc.ctx.store.get(refOf(info), namespace, name!);
  if (!current) {
    if (subresource) throw notFound(info.group, info.resource, name!);
    const toCreate = structuredClone(applied);
    recordManagedFields(toCreate, manager, 'Apply', rc.ctx.now(), undefined, fieldSet(applied));
    const created = createObject(rc.ctx, info, toCreate, { ...opts, manager, managedFieldsDone: true });
    return respondObject(rc, 201, created, warnings);
  }
  const force = queryFlag(rc.query, 'force');
  let merged: KubeObject;
  try {
    merged = serverSideApply(current, applied, manager, rc.ctx.now(), force);
  } catch (err) {
    if (!(err instanceof ApplyConflictError)) throw err;
    throw new StatusError(409, 'Conflict', err.message, {
      causes: err.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"${c.subresource ? ` with subresource "${c.subresource}"` : ''} using ${c.apiVersion}`, field: c.field })),
    });
  }
  merged.metadata.resourceVersion = current.metadata.resourceVersion;
  const updated = updateObject(rc.ctx, info, current, merged, { ...opts, manager, managedFieldsDone: true, subresource: subresource === 'status' ? 'status' : undefined });
  respondObject(rc, 200, updated, warnings);
}

// ---------------- delete ----------------

async function deleteOptions(rc: RestContext): Promise<DeleteOptions & { dryRun: boolean }> {
  const body = await readObjectBody(rc.req).catch((err: unknown) => {
    if (err instanceof StatusError && err.code === 415) return undefined;
    throw err;
  });
  const b = parseBody(deleteOptionsSchema, body, 'DeleteOptions');
  let policy = rc.query.get('propagationPolicy') ?? b.propagationPolicy;
  if (policy === undefined && (b.orphanDependents === true || rc.query.get('orphanDependents') === 'true')) policy = 'Orphan';
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  const grace = queryInt(rc.query, 'gracePeriodSeconds') ?? b.gracePeriodSeconds;
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) throw badRequest('gracePeriodSeconds must be an integer');
  const dryRun = [...rc.query.getAll('dryRun'), ...(Array.isArray(b.dryRun) ? b.dryRun : [])];
  for (const d of dryRun) if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return { propagationPolicy: policy as DeleteOptions['propagationPolicy'], gracePeriodSeconds: grace, preconditions: b.preconditions, dryRun: dryRun.length > 0 };
}

/** Deletes one object (namespaces turn Terminating first). Returns its last state. */
export function deleteObject(ctx: ClusterContext, info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions & { dryRun?: boolean }): KubeObject {
  const ref = refOf(info);
  const current = ctx.store.get(ref, namespace, name);
  if (!current) throw notFound(info.group, info.resource, name);
  ctx.admission.run(ref, 'DELETE', current, current);
  if (opts.dryRun) return current;
  if (info.kind === 'Namespace' && info.group === '') return deleteNamespace(ctx, current, opts);
  return ctx.store.delete(ref, namespace, name, opts);
}

/**
 * Deleting a namespace marks it Terminating; with its `kubernetes` finalizer it keeps existing
 * (deletionTimestamp set) until the namespace controller has emptied it and removed the finalizer.
 */
function deleteNamespace(ctx: ClusterContext, ns: KubeObject, opts: DeleteOptions): KubeObject {
  const name = ns.metadata.name!;
  if (['default', 'kube-system', 'kube-public'].includes(name)) {
    throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  }
  ctx.store.mutate(REF.namespaces, undefined, name, (n) => ((n.status as { phase?: string } | undefined)?.phase === 'Terminating' ? undefined : { ...n, status: { ...((n.status as object) ?? {}), phase: 'Terminating' } }), { subresource: 'status' });
  return ctx.store.delete(REF.namespaces, undefined, name, opts);
}

export async function handleDelete(rc: RestContext): Promise<void> {
  const { info, namespace, name } = rc.target;
  verbAllowed(info, 'delete');
  const opts = await deleteOptions(rc);
  const last = deleteObject(rc.ctx, info, namespace, name!, opts);
  const stillThere = !opts.dryRun && rc.ctx.store.get(refOf(info), namespace, name!);
  respondObject(rc, stillThere ? 202 : 200, stillThere || last);
}

export async function handleDeleteCollection(rc: RestContext): Promise<void> {
  const { info, namespace } = rc.target;
  verbAllowed(info, 'deletecollection');
  const opts = await deleteOptions(rc);
  const labelSelector = rc.query.get('labelSelector') ?? undefined;
  const fieldSelector = fieldSelectorFor(info, rc.query.get('fieldSelector'));
  const { items, resourceVersion } = rc.ctx.store.list(refOf(info), { namespace, labelSelector, fieldSelector });
  const deleted: KubeObject[] = [];
  for (const obj of items) {
    try {
      deleted.push(deleteObject(rc.ctx, info, obj.metadata.namespace, obj.metadata.name!, opts));
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  respondObject(rc, 200, { kind: listKind(info), apiVersion: apiVersionOf(info), metadata: { resourceVersion }, items: deleted });
}

// ---------------- subresources ----------------

function toScale(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof labelSelectorToString>[0] };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: labelSelectorToString(spec.selector) },
  };
}

export async function handleScale(rc: RestContext, method: string): Promise<void> {
  const { info } = rc.target;
  const current = getOrThrow(rc);
  if (method === 'GET') return respondObject(rc, 200, toScale(current));
  let scale: unknown;
  if (method === 'PUT') scale = await readObjectBody(rc.req, 'Scale');
  else if (method === 'PATCH') {
    const { type, patch } = await readPatchBody(rc.req);
    if (type === 'application/apply-patch+yaml') scale = applyMergePatch(toScale(current), patch);
    else scale = applyPatch(type, toScale(current), patch);
  } else throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  const s = asKubeObject(scale, info, 'Scale', 'autoscaling/v1');
  const replicas = (s.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new StatusError(422, 'Invalid', `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, { name: current.metadata.name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0` }] });
  }
  if (s.metadata.resourceVersion && s.metadata.resourceVersion !== current.metadata.resourceVersion && method === 'PUT') {
    throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${info.resource}.${info.group} "${current.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`, { name: current.metadata.name, group: info.group, kind: info.resource });
  }
  const next = structuredClone(current);
  (next.spec as Record<string, unknown>).replicas = replicas;
  const updated = updateObject(rc.ctx, info, current, next, { ...writeOptions(rc), viaSubresource: 'scale' });
  respondObject(rc, 200, toScale(updated));
}

export async function handleStatusGet(rc: RestContext): Promise<void> {
  respondObject(rc, 200, getOrThrow(rc));
}

/** pods/binding and the namespaced bindings resource: assign a pod to a node. */
export async function handleBinding(rc: RestContext, podName: string | undefined): Promise<void> {
  const namespace = rc.target.namespace;
  const body = parseBody(bindingSchema, await readObjectBody(rc.req, 'Binding'), 'Binding');
  const name = podName ?? body?.metadata?.name;
  if (!name) throw badRequest('name is required for a Binding');
  const node = body?.target?.name;
  if (!node || (body?.target?.kind && body.target.kind !== 'Node')) {
    throw new StatusError(422, 'Invalid', `Binding "${name}" is invalid: target.kind: Unsupported value: "${body?.target?.kind ?? ''}": supported values: "Node"`);
  }
  const opts = writeOptions(rc);
  const pod = rc.ctx.store.get(REF.pods, namespace, name);
  if (!pod) throw notFound('', 'pods', name);
  if (pod.metadata.deletionTimestamp) throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is being deleted, cannot be assigned to a host`, { name, kind: 'pods/binding' });
  const existing = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (existing) throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${existing}"`, { name, kind: 'pods/binding' });
  if (!opts.dryRun) {
    rc.ctx.store.mutate(REF.pods, namespace, name, (p) => ({ ...p, spec: { ...(p.spec as object), nodeName: node } }));
    const now = rc.ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    rc.ctx.store.mutate(REF.pods, namespace, name, (p) => {
      const status = (p.status ?? {}) as { conditions?: { type: string }[] };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now } as { type: string });
      return { ...p, status: { ...status, conditions } };
    }, { subresource: 'status' });
  }
  sendStatus(rc.res, { ...successStatus(), code: 201 });
}

/** pods/eviction: deletes the pod unless a PodDisruptionBudget would be violated. */
export async function handleEviction(rc: RestContext): Promise<void> {
  const { namespace, name } = rc.target;
  const body = parseBody(evictionSchema, await readObjectBody(rc.req, 'Eviction'), 'Eviction');
  const pod = getOrThrow(rc);
  const budget = violatedBudget(rc.ctx, pod);
  if (budget) {
    throw new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', { causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budget} does not allow any more disruptions` }] });
  }
  const dryRun = (body?.deleteOptions?.dryRun ?? []).includes('All') || rc.query.getAll('dryRun').includes('All');
  if (!dryRun) rc.ctx.store.delete(REF.pods, namespace, name!, { gracePeriodSeconds: body?.deleteOptions?.gracePeriodSeconds, preconditions: body?.deleteOptions?.preconditions });
  sendStatus(rc.res, { ...successStatus(), code: 201 });
}

function violatedBudget(ctx: ClusterContext, pod: KubeObject): string | undefined {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') return undefined;
  for (const pdb of ctx.store.list(REF.poddisruptionbudgets, { namespace: pod.metadata.namespace }).items) {
    const spec = (pdb.spec ?? {}) as { selector?: Parameters<typeof labelSelectorFromObject>[0] };
    if (!spec.selector || !labelSelectorFromObject(spec.selector).matches(pod.metadata.labels)) continue;
    // Only budgets a controller has evaluated (status.disruptionsAllowed set) can block an eviction.
    const status = (pdb.status ?? {}) as { disruptionsAllowed?: number };
    if (status.disruptionsAllowed !== undefined && status.disruptionsAllowed <= 0) return pdb.metadata.name;
  }
  return undefined;
}
