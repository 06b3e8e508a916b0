// Strategic-merge and server-side-apply metadata of a field, read from the schema instead of a
// hand-kept table: `x-kubernetes-patch-merge-key`/`-patch-strategy` (kubectl apply, SMP) and
// `x-kubernetes-list-type`/`-list-map-keys` (server-side apply).

import { swagger, type Schema } from './swagger';
import { definitionForKind } from './unknown-fields';

export interface PatchMeta {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: string[];
}

function resolve(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let depth = 0; s && depth < 16; depth++) {
    if (typeof s.$ref === 'string') s = swagger().definitions[s.$ref.replace('#/definitions/', '')];
    else if (Array.isArray(s.allOf) && s.allOf.length === 1) s = s.allOf[0] as Schema;
    else return s;
  }
  return s;
}

/**
 * Metadata of the field at `path` (property names from the object root; list items are stepped
 * into implicitly, e.g. `['spec', 'template', 'spec', 'containers', 'ports']`). Undefined when the
 * kind or the path is unknown; an empty object when the field has no such metadata.
 */
export function patchMeta(apiVersion: string, kind: string, path: string[]): PatchMeta | undefined {
  const def = definitionForKind(apiVersion, kind);
  if (!def) return undefined;
  let field: Schema | undefined = { $ref: `#/definitions/${def}` };
  for (const name of path) {
    let s = resolve(field);
    if (s && s.type === 'array' && s.items) s = resolve(s.items as Schema);
    if (s && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') s = resolve(s.additionalProperties as Schema);
    field = (s?.properties as Record<string, Schema> | undefined)?.[name];
    if (!field) return undefined;
  }
  const meta: PatchMeta = {};
  if (typeof field['x-kubernetes-patch-strategy'] === 'string') meta.patchStrategy = field['x-kubernetes-patch-strategy'];
  if (typeof field['x-kubernetes-patch-merge-key'] === 'string') meta.patchMergeKey = field['x-kubernetes-patch-merge-key'];
  if (typeof field['x-kubernetes-list-type'] === 'string') meta.listType = field['x-kubernetes-list-type'];
  if (Array.isArray(field['x-kubernetes-list-map-keys'])) meta.listMapKeys = field['x-kubernetes-list-map-keys'] as string[];
  return meta;
}
