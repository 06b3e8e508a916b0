// managedFields bookkeeping and server-side apply. Field sets use Kubernetes' FieldsV1 encoding
// (`f:<field>`, `k:{"name":"web"}` for keyed list items, `.` for "the item itself"). Apply is
// last-writer-wins: a manager's fields that disappear from its next apply are removed, and the
// applied configuration is merged over the live object.
import type { KubeObject } from '../store/types';
import { strategicMerge } from './patch';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

const LIST_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'type', 'uid', 'ip', 'topologyKey'];

function listItemKey(item: Obj): string | undefined {
  for (const k of LIST_KEYS) {
    if (item[k] !== undefined && (typeof item[k] === 'string' || typeof item[k] === 'number')) {
      const key: Obj = { [k]: item[k] };
      if (k === 'containerPort' || k === 'port') if (item.protocol) key.protocol = item.protocol;
      return `k:${JSON.stringify(key)}`;
    }
  }
  return undefined;
}

/** FieldsV1 for the fields set in `value` (metadata bookkeeping and status excluded unless asked). */
export function fieldSet(value: unknown, top = true, includeStatus = false): Obj {
  const out: Obj = {};
  if (!isObj(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (top && (k === 'apiVersion' || k === 'kind')) continue;
    if (top && k === 'status' && !includeStatus) continue;
    if (top && k === 'metadata' && isObj(v)) {
      const meta: Obj = {};
      for (const mk of ['labels', 'annotations', 'finalizers', 'ownerReferences']) if (v[mk] !== undefined) meta[`f:${mk}`] = mk === 'finalizers' || mk === 'ownerReferences' ? listSet(v[mk]) : fieldSet(v[mk], false);
      if (Object.keys(meta).length) out['f:metadata'] = meta;
      continue;
    }
    if (Array.isArray(v)) out[`f:${k}`] = listSet(v);
    else if (isObj(v)) out[`f:${k}`] = fieldSet(v, false);
    else out[`f:${k}`] = {};
  }
  return out;
}

function listSet(list: unknown): Obj {
  if (!Array.isArray(list)) return {};
  const out: Obj = {};
  for (const item of list) {
    if (!isObj(item)) {
      out[`v:${JSON.stringify(item)}`] = {};
      continue;
    }
    const key = listItemKey(item);
    if (!key) return {};
    out[key] = { '.': {}, ...fieldSet(item, false) };
  }
  return out;
}

/** A field path as FieldsV1 keys, e.g. ['f:spec', 'f:template', ..., 'k:{"name":"web"}', 'f:image']. */
export type FieldPath = string[];

/** The leaves of a field set: fields with no owned children, and keyed items marked with `.`. */
export function leafPaths(set: Obj, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [key, sub] of Object.entries(set)) {
    if (key === '.') continue;
    const path = [...prefix, key];
    const children = isObj(sub) ? Object.keys(sub).filter((k) => k !== '.') : [];
    if (children.length === 0) out.push(path);
    else out.push(...leafPaths(sub as Obj, path));
  }
  return out;
}

export function setFromPaths(paths: FieldPath[]): Obj {
  const root: Obj = {};
  for (const path of paths) {
    let cur = root;
    path.forEach((key, i) => {
      if (!isObj(cur[key])) cur[key] = {};
      cur = cur[key] as Obj;
      if (key.startsWith('k:') && i < path.length - 1) cur['.'] = {};
    });
    if (path[path.length - 1]?.startsWith('k:')) cur['.'] = {};
  }
  return root;
}

const MISSING = Symbol('missing');

/** The value a field path points at in an object (MISSING when absent). */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (key.startsWith('f:')) {
      if (!isObj(cur) || !(key.slice(2) in cur)) return MISSING;
      cur = cur[key.slice(2)];
    } else if (key.startsWith('k:')) {
      if (!Array.isArray(cur)) return MISSING;
      const found = findKeyed(cur, key);
      if (!found) return MISSING;
      cur = found;
    } else if (key.startsWith('v:')) {
      if (!Array.isArray(cur)) return MISSING;
      const want = key.slice(2);
      cur = cur.some((x) => JSON.stringify(x) === want) ? JSON.parse(want) : MISSING;
    } else return MISSING;
  }
  return cur;
}

/** `.spec.template.spec.containers[name="web"].image`, as Kubernetes prints conflicting fields. */
export function formatPath(path: FieldPath): string {
  return path
    .map((key) => {
      if (key.startsWith('f:')) return `.${key.slice(2)}`;
      if (key.startsWith('k:')) {
        const obj = JSON.parse(key.slice(2)) as Obj;
        return `[${Object.entries(obj).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      if (key.startsWith('v:')) return `[${key.slice(2)}]`;
      return key;
    })
    .join('');
}

const pathKey = (p: FieldPath) => p.join('\u0000');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Records (or replaces) the entry for `manager` after a write. */
export function recordManagedFields(obj: KubeObject, manager: string, operation: 'Apply' | 'Update', now: Date, subresource?: string, fields?: Obj): void {
  const entries = ((obj.metadata.managedFields ?? []) as ManagedFieldsEntry[]).filter((e) => !(e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '')));
  entries.push({
    manager,
    operation,
    apiVersion: obj.apiVersion,
    time: timestamp(now),
    fieldsType: 'FieldsV1',
    fieldsV1: fields ?? fieldSet(subresource === 'status' ? { status: obj.status } : obj, true, subresource === 'status'),
    ...(subresource ? { subresource } : {}),
  });
  obj.metadata.managedFields = entries;
}

/**
 * Records an Update by `manager`: it now owns the fields it set or changed (all fields on create),
 * and other managers lose those fields. Managers left owning nothing are dropped.
 */
export function recordUpdate(current: KubeObject | undefined, next: KubeObject, manager: string, now: Date, subresource?: string): void {
  const status = subresource === 'status';
  const candidate = leafPaths(fieldSet(status ? { status: next.status } : next, true, status));
  const changed = current ? candidate.filter((p) => !same(valueAt(current, p), valueAt(next, p))) : candidate;
  const entries = ((next.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((e) => ({ ...e }));
  const changedKeys = new Set(changed.map(pathKey));
  const out: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? '')) {
      mine = e;
      continue;
    }
    const kept = leafPaths(e.fieldsV1 ?? {}).filter((p) => !changedKeys.has(pathKey(p)));
    if (kept.length) out.push({ ...e, fieldsV1: setFromPaths(kept) });
  }
  // Fields the manager owned before and that still exist stay owned.
  const previous = mine ? leafPaths(mine.fieldsV1 ?? {}).filter((p) => valueAt(next, p) !== MISSING && !changedKeys.has(pathKey(p))) : [];
  const owned = [...previous, ...changed];
  if (owned.length || !current) {
    out.push({ manager, operation: 'Update', apiVersion: next.apiVersion, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1: setFromPaths(owned), ...(subresource ? { subresource } : {}) });
  } else if (mine) out.push(mine);
  next.metadata.managedFields = out;
}

/** A server-side apply conflict: fields another manager set to a different value. */
export class ApplyConflictError extends Error {
  constructor(readonly conflicts: { manager: string; apiVersion: string; subresource?: string; field: string }[]) {
    super(`Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${conflicts.map((c) => `conflict with "${c.manager}"${c.subresource ? ` with subresource "${c.subresource}"` : ''} using ${c.apiVersion}: ${c.field}`).join('\n')}`);
  }
}

function removeKeyed(list: unknown[], key: string): unknown[] {
  if (key.startsWith('v:')) {
    const value = JSON.parse(key.slice(2)) as unknown;
    return list.filter((x) => JSON.stringify(x) !== JSON.stringify(value));
  }
  const want = JSON.parse(key.slice(2)) as Obj;
  return list.filter((x) => !(isObj(x) && Object.entries(want).every(([k, v]) => x[k] === v)));
}

function findKeyed(list: unknown[], key: string): Obj | undefined {
  if (!key.startsWith('k:')) return undefined;
  const want = JSON.parse(key.slice(2)) as Obj;
  return list.find((x): x is Obj => isObj(x) && Object.entries(want).every(([k, v]) => x[k] === v));
}

/** Removes from `live` what `before` owned and `after` no longer mentions. */
function prune(live: unknown, before: Obj, after: Obj): void {
  for (const [key, sub] of Object.entries(before)) {
    if (key === '.') continue;
    const stillOwned = after[key];
    if (key.startsWith('f:')) {
      if (!isObj(live)) continue;
      const field = key.slice(2);
      if (stillOwned === undefined) delete live[field];
      else if (isObj(sub) && isObj(stillOwned)) {
        const child = live[field];
        if (Array.isArray(child)) {
          for (const [itemKey, itemSub] of Object.entries(sub)) {
            if (stillOwned[itemKey] === undefined) live[field] = removeKeyed(live[field] as unknown[], itemKey);
            else {
              const item = findKeyed(child, itemKey);
              if (item && isObj(itemSub) && isObj(stillOwned[itemKey])) prune(item, itemSub, stillOwned[itemKey] as Obj);
            }
          }
        } else prune(child, sub, stillOwned);
      }
    }
  }
}

/**
 * Server-side apply of `applied` (the user's configuration) by `manager` onto `live`.
 * Returns the new object; managedFields records the manager's field set.
 */
export function serverSideApply(live: KubeObject, applied: KubeObject, manager: string, now: Date, force = false): KubeObject {
  let entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  const newFields = fieldSet(applied);
  const appliedLeaves = leafPaths(newFields);
  // Conflicts: fields another manager owns whose live value differs from what this apply wants.
  const conflicts: ConstructorParameters<typeof ApplyConflictError>[0] = [];
  const taken = new Set<string>();
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply' && !e.subresource) continue;
    const theirs = new Set(leafPaths(e.fieldsV1 ?? {}).map(pathKey));
    for (const p of appliedLeaves) {
      if (!theirs.has(pathKey(p))) continue;
      if (same(valueAt(live, p), valueAt(applied, p))) continue;
      taken.add(pathKey(p));
      conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, subresource: e.subresource, field: formatPath(p) });
    }
  }
  if (conflicts.length && !force) throw new ApplyConflictError(conflicts);
  if (taken.size) {
    // A forced apply takes the conflicting fields over.
    entries = entries
      .map((e) => ({ ...e, fieldsV1: setFromPaths(leafPaths(e.fieldsV1 ?? {}).filter((p) => !taken.has(pathKey(p)))) }))
      .filter((e) => (e.manager === manager && e.operation === 'Apply') || leafPaths(e.fieldsV1).length > 0);
  }
  const base = structuredClone(live);
  base.metadata.managedFields = entries;
  if (previous) prune(base, previous.fieldsV1, newFields);
  const { metadata: appliedMeta, ...appliedRest } = applied;
  const merged = strategicMerge(base, appliedRest) as KubeObject;
  merged.metadata = base.metadata;
  for (const mk of ['labels', 'annotations'] as const) {
    if (appliedMeta?.[mk]) merged.metadata[mk] = { ...(merged.metadata[mk] ?? {}), ...appliedMeta[mk] };
  }
  if (appliedMeta?.finalizers) merged.metadata.finalizers = [...new Set([...(merged.metadata.finalizers ?? []), ...appliedMeta.finalizers])];
  if (appliedMeta?.ownerReferences) merged.metadata.ownerReferences = appliedMeta.ownerReferences;
  recordManagedFields(merged, manager, 'Apply', now, undefined, newFields);
  return merged;
}
