import type { Comparator } from './schema';

/** True when `actual` satisfies the comparator. Numbers given as strings compare numerically. */
export function compare(actual: unknown, comparator: Comparator): boolean {
  if (comparator === null || typeof comparator !== 'object') return looselyEqual(actual, comparator);
  const c = comparator;
  if (c.equals !== undefined && !looselyEqual(actual, c.equals)) return false;
  if (c.not !== undefined && looselyEqual(actual, c.not)) return false;
  if (c.matches !== undefined && !new RegExp(c.matches).test(asText(actual))) return false;
  if (c.contains !== undefined && !contains(actual, c.contains)) return false;
  const n = asNumber(actual);
  if (c.gt !== undefined && !(n !== undefined && n > c.gt)) return false;
  if (c.gte !== undefined && !(n !== undefined && n >= c.gte)) return false;
  if (c.lt !== undefined && !(n !== undefined && n < c.lt)) return false;
  if (c.lte !== undefined && !(n !== undefined && n <= c.lte)) return false;
  return true;
}

/** Human wording of what a comparator expects: `3`, `at least 3`, `matching /^nginx/`. */
export function describeComparator(comparator: Comparator): string {
  if (comparator === null || typeof comparator !== 'object') return formatValue(comparator);
  const parts: string[] = [];
  if (comparator.equals !== undefined) parts.push(formatValue(comparator.equals));
  if (comparator.not !== undefined) parts.push(`not ${formatValue(comparator.not)}`);
  if (comparator.matches !== undefined) parts.push(`matching /${comparator.matches}/`);
  if (comparator.contains !== undefined) parts.push(`containing ${formatValue(comparator.contains)}`);
  if (comparator.gt !== undefined) parts.push(`more than ${comparator.gt}`);
  if (comparator.gte !== undefined) parts.push(`at least ${comparator.gte}`);
  if (comparator.lt !== undefined) parts.push(`fewer than ${comparator.lt}`);
  if (comparator.lte !== undefined) parts.push(`at most ${comparator.lte}`);
  return parts.join(' and ');
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return json.length > 120 ? json.slice(0, 117) + '...' : json;
}

function looselyEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof expected === 'number' || typeof actual === 'number') {
    const a = asNumber(actual);
    const e = asNumber(expected);
    return a !== undefined && e !== undefined && a === e;
  }
  if (typeof expected === 'boolean' && typeof actual === 'string') return actual === String(expected);
  if (typeof expected === 'string' && typeof actual === 'boolean') return expected === String(actual);
  if (expected !== null && typeof expected === 'object') return JSON.stringify(actual) === JSON.stringify(expected);
  return false;
}

function contains(actual: unknown, needle: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => looselyEqual(item, needle));
  if (actual !== null && typeof actual === 'object') return Object.prototype.hasOwnProperty.call(actual, String(needle));
  return asText(actual).includes(String(needle));
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}
