// `fieldValidation=Strict|Warn`: the paths of fields in an object that its schema does not know,
// formatted like Kubernetes' strict decoding errors (`spec.replicaz`, `spec.template.spec.containers[0].imagee`).

import { swagger, type Schema } from './swagger';

let byGvk: Map<string, string> | undefined;

/** `group/version/kind` -> definition name, from the definitions' `x-kubernetes-group-version-kind`. */
function definitionsByGvk(): Map<string, string> {
  if (byGvk) return byGvk;
  byGvk = new Map();
  for (const [name, def] of Object.entries(swagger().definitions)) {
    const gvks = def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined;
    for (const gvk of gvks ?? []) {
      const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
      // meta types (DeleteOptions, Status, ...) are listed under every group; keep the first definition.
      if (!byGvk.has(key)) byGvk.set(key, name);
    }
  }
  return byGvk;
}

export function definitionForKind(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return definitionsByGvk().get(`${group}/${version}/${kind}`);
}

/** Follows `$ref` / single `allOf` to the schema that describes the value. */
function resolve(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let depth = 0; s && depth < 16; depth++) {
    if (typeof s.$ref === 'string') s = swagger().definitions[s.$ref.replace('#/definitions/', '')];
    else if (Array.isArray(s.allOf) && s.allOf.length === 1) s = s.allOf[0] as Schema;
    else return s;
  }
  return s;
}

function walk(value: unknown, schema: Schema | undefined, path: string, out: string[]): void {
  const s = resolve(schema);
  if (!s || s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((item, i) => walk(item, s.items as Schema, `${path}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const properties = s.properties as Record<string, Schema> | undefined;
  if (properties) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key in properties) walk(child, properties[key], childPath, out);
      else out.push(childPath);
    }
    return;
  }
  // A map (`additionalProperties`): check each value. Anything else without properties (RawExtension,
  // free-form JSON) accepts whatever it holds.
  const additional = s.additionalProperties;
  if (additional && typeof additional === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) walk(child, additional as Schema, `${path}[${key}]`, out);
  }
}

/** The same check against an explicit swagger schema (refs resolve against the Kubernetes definitions). */
export function findUnknownFieldsWithSchema(value: unknown, schema: Schema): string[] {
  const out: string[] = [];
  walk(value, schema, '', out);
  return out;
}

/**
 * Paths of fields the object's schema does not define. Empty for kinds without a built-in schema
 * (custom resources are the CRD's business) and for objects that are fully known.
 */
export function findUnknownFields(obj: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
  const def = definitionForKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
  if (!def) return [];
  const out: string[] = [];
  walk(obj, { $ref: `#/definitions/${def}` }, '', out);
  return out;
}
