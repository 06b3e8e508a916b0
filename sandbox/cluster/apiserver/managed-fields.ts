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
export function serverSideApply(live: KubeObject, applied: KubeObject, manager: string, now: Date): KubeObject {
  const entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  const newFields = fieldSet(applied);
  const base = structuredClone(live);
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
