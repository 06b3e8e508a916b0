// Formatting helpers shared by the printers; each mirrors an upstream Kubernetes helper so that
// our Table cells are byte-identical to what a real API server returns.

import { canonicalQuantity } from './quantity';

/** apimachinery `duration.HumanDuration`: `45s`, `3m2s`, `15m`, `5h4m`, `30h`, `3d4h`, `20d`, `2y30d`, `9y`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Parses an RFC3339 timestamp; undefined for missing/zero/unparseable values (Go's `IsZero`). */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()) || t.getTime() <= Date.UTC(1, 0, 1)) return undefined;
  return t;
}

/** printers.go `translateTimestampSince`: `<unknown>` for a zero timestamp. */
export function since(value: unknown, now: Date): string {
  const t = parseTime(value);
  return t ? humanDuration(now.getTime() - t.getTime()) : '<unknown>';
}

/** `t.UTC().Format(time.RFC3339)`; Go's zero time for a missing timestamp. */
export function rfc3339(value: unknown): string {
  const t = parseTime(value);
  return t ? t.toISOString().replace(/\.\d{3}Z$/, 'Z') : '0001-01-01T00:00:00Z';
}

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by key, `k=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`. A nil selector selects nothing and prints as an empty string.
 */
export function selectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, text: `${key}=${value}` });
  for (const expr of sel.matchExpressions ?? []) {
    const values = [...new Set(expr.values ?? [])].sort();
    switch (expr.operator) {
      case 'In': reqs.push({ key: expr.key, text: `${expr.key} in (${values.join(',')})` }); break;
      case 'NotIn': reqs.push({ key: expr.key, text: `${expr.key} notin (${values.join(',')})` }); break;
      case 'Exists': reqs.push({ key: expr.key, text: expr.key }); break;
      case 'DoesNotExist': reqs.push({ key: expr.key, text: `!${expr.key}` }); break;
      default: return '<error>';
    }
  }
  // Go's sort.Sort(ByKey) is not stable, but equal keys are rare; keep insertion order for ties.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => r.text).join(',');
}

/** `metav1.FormatLabelSelector`: like selectorString but `<none>` when empty. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = selectorString(sel);
  return s === '' ? '<none>' : s;
}

/** `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels as Record<string, string>)[k]}`).join(',');
}

/** `%v` of an IntOrString. */
export function intOrString(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
}

/** Plain-object access helpers: objects arrive as untyped JSON. */
export type Json = Record<string, unknown>;
export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj) : [];
}
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
export function strList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Container names and images of a pod template, comma-joined (the CONTAINERS / IMAGES wide columns). */
export function templateContainers(podSpec: unknown): [string, string] {
  const containers = arr(obj(podSpec).containers);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/** `helper.GetAccessModesAsString`: fixed order RWO, ROX, RWX, RWOP. */
export function accessModesString(modes: unknown): string {
  const list = strList(modes);
  const out: string[] = [];
  if (list.includes('ReadWriteOnce')) out.push('RWO');
  if (list.includes('ReadOnlyMany')) out.push('ROX');
  if (list.includes('ReadWriteMany')) out.push('RWX');
  if (list.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** `%s` of a resource.Quantity from JSON (string or number), canonical; missing quantities print as `0`. */
export function quantity(value: unknown): string {
  if ((typeof value === 'string' && value !== '') || typeof value === 'number') return canonicalQuantity(value);
  return '0';
}

/** `loadBalancerStatusStringer`: distinct ingress IPs (else hostnames), sorted, comma-joined. The API server prints wide, so never truncated. */
export function loadBalancerIngress(status: unknown): string {
  const points = arr(obj(status).ingress).map((i) => str(i.ip) || str(i.hostname)).filter((s) => s !== '');
  return [...new Set(points)].sort().join(',');
}
