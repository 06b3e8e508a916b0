// The three classic PATCH types the API server accepts: JSON Patch (RFC 6902), JSON Merge Patch
// (RFC 7386) and Kubernetes' strategic merge patch (lists merged by key, `$patch` directives,
// `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList`).
import { badRequest, StatusError } from '../api/errors';

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
const deepEqual = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

// ---------- JSON Patch ----------

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function walk(doc: Json, parts: string[], path: string): Json {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!/^\d+$/.test(p) || i >= cur.length) throw jsonPatchError(`unable to find object at path ${path}`);
      cur = cur[i];
    } else if (isObj(cur)) {
      if (!(p in cur)) throw jsonPatchError(`doc is missing path: "${path}": missing value`);
      cur = cur[p];
    } else throw jsonPatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function jsonPatchError(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

function addAt(doc: Json, parts: string[], value: Json, path: string, replace: boolean): Json {
  if (parts.length === 0) return value;
  const parent = walk(doc, parts.slice(0, -1), path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    if (last === '-' && !replace) parent.push(value);
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length || (replace && i >= parent.length)) throw jsonPatchError(`add operation does not apply: doc is missing path: "${path}": missing value`);
      if (replace) parent[i] = value;
      else parent.splice(i, 0, value);
    }
  } else if (isObj(parent)) {
    if (replace && !(last in parent)) throw jsonPatchError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    parent[last] = value;
  } else throw jsonPatchError(`doc is missing path: "${path}": missing value`);
  return doc;
}

function removeAt(doc: Json, parts: string[], path: string): Json {
  const parent = walk(doc, parts.slice(0, -1), path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw jsonPatchError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
    parent.splice(i, 1);
  } else if (isObj(parent)) {
    if (!(last in parent)) throw jsonPatchError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
    delete parent[last];
  } else throw jsonPatchError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  return doc;
}

export function applyJsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('the server rejected our request due to an error in our request: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const op of patch) {
    if (!isObj(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw badRequest('the server rejected our request due to an error in our request: each JSON patch operation needs "op" and "path"');
    const parts = parsePointer(op.path);
    switch (op.op) {
      case 'add':
        doc = addAt(doc, parts, clone(op.value), op.path, false);
        break;
      case 'replace':
        doc = addAt(doc, parts, clone(op.value), op.path, true);
        break;
      case 'remove':
        doc = removeAt(doc, parts, op.path);
        break;
      case 'test':
        if (!deepEqual(walk(doc, parts, op.path), op.value)) throw jsonPatchError(`testing value ${op.path} failed: test failed`);
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw badRequest(`the server rejected our request due to an error in our request: "${op.op}" operation needs "from"`);
        const fromParts = parsePointer(op.from);
        const value = clone(walk(doc, fromParts, op.from));
        if (op.op === 'move') doc = removeAt(doc, fromParts, op.from);
        doc = addAt(doc, parts, value, op.path, false);
        break;
      }
      default:
        throw badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

// ---------- JSON Merge Patch ----------

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

// ---------- Strategic merge patch ----------

/**
 * Merge keys of Kubernetes list fields (the `patchMergeKey` struct tags). `ports` depends on
 * context: containerPort inside containers, port in a Service.
 */
function mergeKeyFor(field: string, path: string[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ports':
      return path.some((p) => p === 'containers' || p === 'initContainers' || p === 'ephemeralContainers') ? 'containerPort' : 'port';
    case 'conditions':
    case 'addresses':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}

/** Primitive lists with `patchStrategy:"merge"` (union instead of replace). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

/** Patch metadata of a list field from the schema: its merge key and whether it merges at all. */
export type ListPatchMeta = (path: string[]) => { merge: boolean; mergeKey?: string } | undefined;

let schemaMeta: ListPatchMeta | undefined;

/** How a list merges: schema metadata when known, else the built-in table of Kubernetes' merge keys. */
function listStrategy(field: string, path: string[]): { merge: boolean; key?: string } {
  const meta = schemaMeta?.([...path, field]);
  if (meta) return { merge: meta.merge, key: meta.merge ? meta.mergeKey : undefined };
  const key = mergeKeyFor(field, path);
  return { merge: !!key || MERGED_PRIMITIVE_LISTS.has(field), key };
}

function mergeList(field: string, path: string[], original: Json[], patch: Json[], order: Json[] | undefined): Json[] {
  const strategy = listStrategy(field, path);
  const key = strategy.key;
  if (!key) {
    if (strategy.merge && patch.every((v) => !isObj(v))) {
      const out = [...original];
      for (const v of patch) if (!out.some((o) => deepEqual(o, v))) out.push(v);
      return sortByOrder(out, order, undefined);
    }
    // Atomic list: `$patch: replace` markers are dropped, the patch list replaces the original.
    return patch.filter((v) => !(isObj(v) && v.$patch === 'replace' && Object.keys(v).length === 1)).map((v) => stripDirectives(v));
  }
  if (patch.some((v) => isObj(v) && v.$patch === 'replace')) {
    return patch.filter((v) => !(isObj(v) && v.$patch === 'replace')).map((v) => stripDirectives(v));
  }
  const out = original.map((v) => clone(v));
  for (const item of patch) {
    if (!isObj(item)) {
      out.push(item);
      continue;
    }
    const keyValue = item[key];
    const idx = out.findIndex((o) => isObj(o) && deepEqual(o[key], keyValue));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], item, [...path, field]);
    else out.push(strategicMerge({}, item, [...path, field]));
  }
  return sortByOrder(out, order, key);
}

function sortByOrder(list: Json[], order: Json[] | undefined, key: string | undefined): Json[] {
  if (!order) return list;
  const pos = (v: Json) => {
    const probe = key && isObj(v) ? v[key] : v;
    const i = order.findIndex((o) => deepEqual(key && isObj(o) ? o[key] : o, probe));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list.map((v, i) => ({ v, i })).sort((a, b) => pos(a.v) - pos(b.v) || a.i - b.i).map((x) => x.v);
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (val === null) continue;
    out[k] = stripDirectives(val);
  }
  return out;
}

export function strategicMerge(original: Json, patch: Json, path: string[] = []): Json {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObj(original) ? clone(original) : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) {
        out[field] = (out[field] as Json[]).filter((x) => !v.some((d) => deepEqual(d, x)));
        if ((out[field] as Json[]).length === 0) delete out[field];
      }
      continue;
    }
    if (k.startsWith('$')) throw badRequest(`the server rejected our request due to an error in our request: unknown patch directive "${k}"`);
    if (v === null) {
      delete out[k];
      continue;
    }
    const order = Array.isArray(patch[`$setElementOrder/${k}`]) ? (patch[`$setElementOrder/${k}`] as Json[]) : undefined;
    if (Array.isArray(v)) {
      out[k] = mergeList(k, path, Array.isArray(out[k]) ? (out[k] as Json[]) : [], v, order);
    } else if (isObj(v)) {
      const merged = strategicMerge(out[k], v, [...path, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  // `$setElementOrder` without a matching list in the patch still reorders the original list.
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(v)) continue;
    const field = k.slice('$setElementOrder/'.length);
    if (field in patch || !Array.isArray(out[field])) continue;
    out[field] = sortByOrder(out[field] as Json[], v, listStrategy(field, path).key);
  }
  if (retainKeys) for (const key of Object.keys(out)) if (!retainKeys.includes(key)) delete out[key];
  return out;
}

/**
 * Applies a strategic merge patch. `meta` resolves list patch metadata from the object's schema
 * (OpenAPI `x-kubernetes-patch-merge-key` / `-patch-strategy`); without it a built-in table is used.
 */
export function applyStrategicMergePatch(target: Json, patch: Json, meta?: ListPatchMeta): Json {
  if (!isObj(patch)) throw badRequest('the server rejected our request due to an error in our request: a strategic merge patch must be a JSON object');
  schemaMeta = meta;
  try {
    return strategicMerge(target, patch, []);
  } finally {
    schemaMeta = undefined;
  }
}
