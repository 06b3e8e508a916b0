// Label selectors (equality- and set-based, as in `kubectl get -l`) and field selectors
// (`--field-selector`), parsed once and matched against objects.
import type { KubeObject } from '../store/types';
import { badRequest } from './errors';

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'gt' | 'lt'; value: number };

export interface LabelSelector {
  requirements: LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  /** Empty selector: matches everything. */
  empty: boolean;
}

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function matchRequirement(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const v = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'in':
      return has && req.values.includes(v);
    case 'notin':
      return !has || !req.values.includes(v);
    case '=':
      return has && v === req.value;
    case '!=':
      return !has || v !== req.value;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v)) return false;
      const n = Number(v);
      return req.op === 'gt' ? n > req.value : n < req.value;
    }
  }
}

function build(requirements: LabelRequirement[]): LabelSelector {
  return {
    requirements,
    empty: requirements.length === 0,
    matches(labels) {
      const l = labels ?? {};
      return requirements.every((r) => matchRequirement(r, l));
    },
  };
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function checkKey(key: string, whole: string): void {
  if (!KEY_RE.test(key) || key.length > 316) throw badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (in selector "${whole}")`);
}

function checkValue(value: string, whole: string): void {
  if (!VALUE_RE.test(value) || value.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (in selector "${whole}")`);
}

/** Parses Kubernetes label selector syntax. Throws a 400 StatusError on bad syntax. */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  const text = (input ?? '').trim();
  if (!text) return build([]);
  const reqs: LabelRequirement[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (!part) throw badRequest(`found '', expected: identifier after ','`);
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^!\s*(\S+)$/))) {
      checkKey(m[1], text);
      reqs.push({ key: m[1], op: 'notexists' });
    } else if ((m = part.match(/^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      checkKey(m[1], text);
      const values = m[3].split(',').map((s) => s.trim()).filter((s) => s !== '');
      values.forEach((v) => checkValue(v, text));
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values });
    } else if ((m = part.match(/^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      checkKey(m[1], text);
      checkValue(m[3], text);
      reqs.push({ key: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] });
    } else if ((m = part.match(/^([^=!<>\s]+)\s*(<|>)\s*(-?\d+)$/))) {
      checkKey(m[1], text);
      reqs.push({ key: m[1], op: m[2] === '>' ? 'gt' : 'lt', value: Number(m[3]) });
    } else if ((m = part.match(/^([^=!<>\s(),]+)$/))) {
      checkKey(m[1], text);
      reqs.push({ key: m[1], op: 'exists' });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return build(reqs);
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Converts a metav1.LabelSelector (as in Deployment.spec.selector) into a matcher. */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
  if (!sel) return build([]);
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: '=', value });
  for (const e of sel.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
        break;
      case 'Exists':
        reqs.push({ key: e.key, op: 'exists' });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, op: 'notexists' });
        break;
      default:
        throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return build(reqs);
}

/** Renders a metav1.LabelSelector in selector syntax (used for Scale.status.selector). */
export function labelSelectorToString(sel: LabelSelectorObject | undefined | null): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  matches(obj: KubeObject): boolean;
  empty: boolean;
}

/** Reads a dotted path from an object and renders it the way field selectors compare it. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) {
    // Kubernetes exposes unset booleans as "false" (e.g. spec.unschedulable).
    if (path === 'spec.unschedulable' || path === 'spec.hostNetwork') return 'false';
    return '';
  }
  if (typeof cur === 'object') return '';
  return String(cur);
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/**
 * Parses field selector syntax (`a=b,c!=d`). When `allowed` is given, any other field is rejected
 * like Kubernetes does: `field label not supported: <field>`.
 */
export function parseFieldSelector(input: string | undefined, allowed?: string[]): FieldSelector {
  const text = (input ?? '').trim();
  const reqs: FieldRequirement[] = [];
  if (text) {
    for (const raw of text.split(/(?<!\\),/)) {
      const part = raw.trim();
      const m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
      const field = m[1];
      if (allowed && !allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
      reqs.push({ field, op: m[2] === '!=' ? '!=' : '=', value: unescapeFieldValue(m[3]) });
    }
  }
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches(obj) {
      return reqs.every((r) => {
        const v = fieldValue(obj, r.field);
        return r.op === '=' ? v === r.value : v !== r.value;
      });
    },
  };
}
