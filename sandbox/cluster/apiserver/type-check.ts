// Decoding-level type checks: Kubernetes decodes request bodies into Go structs, so a string
// where an int32 belongs (or an object where a list belongs) is a 400 before any validation.
// We walk the body along the OpenAPI schema and report the first mismatch in Go's words.
import type { KubeObject } from '../store/types';
import { swagger, type Schema } from './openapi/swagger';
import { definitionForKind } from './openapi/unknown-fields';

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

interface Resolved {
  schema: Schema;
  /** The definition name the schema came from, if any (for Go type names). */
  def?: string;
}

function resolve(schema: Schema | undefined): Resolved | undefined {
  let s = schema;
  let def: string | undefined;
  for (let depth = 0; s && depth < 16; depth++) {
    if (typeof s.$ref === 'string') {
      def = s.$ref.replace('#/definitions/', '');
      s = swagger().definitions[def];
    } else if (Array.isArray(s.allOf) && s.allOf.length === 1) s = s.allOf[0] as Schema;
    else return { schema: s, def };
  }
  return s ? { schema: s, def } : undefined;
}

function goType(r: Resolved): string {
  const s = r.schema;
  if (r.def) {
    const parts = r.def.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  switch (s.type) {
    case 'integer':
      return s.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array': {
      const items = resolve(s.items as Schema | undefined);
      return `[]${items ? goType(items) : 'interface {}'}`;
    }
    case 'object':
      return s.additionalProperties ? 'map[string]string' : 'struct';
    default:
      return 'string';
  }
}

function check(value: unknown, schema: Schema | undefined, path: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const r = resolve(schema);
  if (!r) return undefined;
  const s = r.schema;
  if (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-embedded-resource']) return undefined;
  const fail = () => `json: cannot unmarshal ${jsonType(value)} into Go struct field ${path} of type ${goType(r)}`;
  if (s['x-kubernetes-int-or-string'] || s.format === 'int-or-string' || r.def === QUANTITY) {
    return typeof value === 'string' || typeof value === 'number' ? undefined : fail();
  }
  switch (s.type) {
    case 'string':
      return typeof value === 'string' ? undefined : fail();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : fail();
    case 'number':
      return typeof value === 'number' ? undefined : fail();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : fail();
    case 'array': {
      if (!Array.isArray(value)) return fail();
      for (const item of value) {
        const err = check(item, s.items as Schema | undefined, path);
        if (err) return err;
      }
      return undefined;
    }
    case 'object':
    case undefined: {
      if (s.type === undefined && !s.properties && !s.additionalProperties) return undefined;
      if (typeof value !== 'object' || Array.isArray(value)) return fail();
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const extra = typeof s.additionalProperties === 'object' ? (s.additionalProperties as Schema) : undefined;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const sub = props[k] ?? extra;
        if (!sub) continue; // unknown fields are fieldValidation's business
        const err = check(v, sub, props[k] ? `${path}.${k}` : path);
        if (err) return err;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The first type mismatch in `obj` against its kind's schema, worded like Go's JSON decoder. */
export function findTypeError(obj: KubeObject): string | undefined {
  const def = definitionForKind(obj.apiVersion, obj.kind);
  if (!def) return undefined;
  const root = swagger().definitions[def];
  if (!root) return undefined;
  const props = (root.properties ?? {}) as Record<string, Schema>;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || !props[k]) continue;
    const err = check(v, props[k], `${obj.kind}.${k}`);
    if (err) return err;
  }
  return undefined;
}
