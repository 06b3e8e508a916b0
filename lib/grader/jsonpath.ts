import { JSONPath } from 'jsonpath-plus';

/**
 * Evaluates a field path against an object. Accepts kubectl's JSONPath (`{.spec.replicas}`,
 * `{.status.conditions[?(@.type=="Ready")].status}`) and the plain form (`spec.replicas`,
 * `spec.template.spec.containers[0].image`, `metadata.labels['app.kubernetes.io/name']`).
 * Returns every match (an empty array when the path selects nothing).
 */
export function selectPath(object: unknown, path: string): unknown[] {
  return JSONPath({ path: toJsonPathPlus(path), json: object as object, wrap: true, eval: 'safe' }) as unknown[];
}

/** The single value a path selects (the first match), or undefined. */
export function readPath(object: unknown, path: string): unknown {
  const matches = selectPath(object, path);
  if (matches.length === 0) return undefined;
  return path.includes('[*]') || path.includes('[?(') ? matches : matches[0];
}

export function toJsonPathPlus(path: string): string {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) return p;
  if (p.startsWith('.')) return '$' + p;
  if (p.startsWith('[')) return '$' + p;
  return '$.' + p;
}
