// Standard 5-field cron schedules as CronJobs use them (robfig/cron's parser): `*`, `*/n`,
// ranges `a-b`, steps `a-b/n` and `a/n`, lists, month and weekday names, `?`, and the macros
// @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly. Times are UTC unless a
// CronJob's spec.timeZone (an IANA name) is given.

interface Field {
  bits: Set<number>;
  star: boolean;
}

export interface CronSchedule {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class CronParseError extends Error {}

function parseValue(s: string, min: number, max: number, names?: string[], nameBase = 0): number {
  const upper = s.toUpperCase();
  if (names) {
    const i = names.indexOf(upper);
    if (i >= 0) return i + nameBase;
  }
  if (!/^\d+$/.test(s)) throw new CronParseError(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (n < min) throw new CronParseError(`beginning of range (${n}) below minimum (${min}): ${s}`);
  if (n > max) throw new CronParseError(`end of range (${n}) above maximum (${max}): ${s}`);
  return n;
}

function parseField(expr: string, min: number, max: number, names?: string[], nameBase = 0): Field {
  const bits = new Set<number>();
  let star = false;
  for (const part of expr.split(',')) {
    const [rangePart, stepPart, extra] = part.split('/');
    if (extra !== undefined) throw new CronParseError(`too many slashes: ${part}`);
    let start: number;
    let end: number;
    let isStar = false;
    if (rangePart === '*' || rangePart === '?') {
      start = min;
      end = max;
      isStar = true;
    } else {
      const [lo, hi, more] = rangePart.split('-');
      if (more !== undefined) throw new CronParseError(`too many hyphens: ${rangePart}`);
      start = parseValue(lo, min, max, names, nameBase);
      end = hi !== undefined ? parseValue(hi, min, max, names, nameBase) : start;
      if (hi === undefined && stepPart !== undefined) end = max;
    }
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart)) throw new CronParseError(`failed to parse int from ${stepPart}: strconv.Atoi: parsing "${stepPart}": invalid syntax`);
      step = Number(stepPart);
      if (step === 0) throw new CronParseError(`step of range should be a positive number: ${part}`);
    }
    if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    if (isStar && step === 1) star = true;
    for (let v = start; v <= end; v += step) bits.add(v);
  }
  return { bits, star };
}

export function parseCron(spec: string): CronSchedule {
  let s = spec.trim();
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) throw new CronParseError('TZ and CRON_TZ are not supported; use spec.timeZone');
  if (s.startsWith('@')) {
    const m = MACROS[s.toLowerCase()];
    if (!m) throw new CronParseError(`unrecognized descriptor: ${s}`);
    s = m;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: ${spec}`);
  const dow = parseField(fields[4], 0, 7, DAYS);
  if (dow.bits.has(7)) {
    dow.bits.delete(7);
    dow.bits.add(0);
  }
  return {
    minute: parseField(fields[0], 0, 59),
    hour: parseField(fields[1], 0, 23),
    dom: parseField(fields[2], 1, 31),
    month: parseField(fields[3], 1, 12, MONTHS, 1),
    dow,
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.dom.bits.has(d.getUTCDate());
  const dow = s.dow.bits.has(d.getUTCDay());
  return s.dom.star || s.dow.star ? dom && dow : dom || dow;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for an unknown IANA time zone. */
export function checkTimeZone(tz: string): void {
  formatter(tz);
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock time in `tz` minus UTC, in ms, at instant `t`. */
function tzOffsetMs(tz: string, t: number): number {
  const parts = Object.fromEntries(formatter(tz).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return wall - Math.floor(t / 1000) * 1000;
}

const isUTC = (tz?: string) => !tz || tz === 'UTC' || tz === 'Etc/UTC';

/** The first activation strictly after `after` (minute precision), or undefined within 5 years. */
export function nextActivation(s: CronSchedule, after: Date, tz?: string): Date | undefined {
  if (isUTC(tz)) return nextActivationUTC(s, after);
  // Run the schedule on wall-clock time, then map back; wall times skipped by DST never fire.
  let wall = new Date(after.getTime() + tzOffsetMs(tz!, after.getTime()));
  for (let i = 0; i < 1000; i++) {
    const next = nextActivationUTC(s, wall);
    if (!next) return undefined;
    const w = next.getTime();
    const instant = w - tzOffsetMs(tz!, w - tzOffsetMs(tz!, w));
    if (instant > after.getTime() && instant + tzOffsetMs(tz!, instant) === w) return new Date(instant);
    wall = next;
  }
  return undefined;
}

function nextActivationUTC(s: CronSchedule, after: Date): Date | undefined {
  const t = new Date(Math.floor(after.getTime() / 60000) * 60000 + 60000);
  const limit = after.getUTCFullYear() + 5;
  while (t.getUTCFullYear() <= limit) {
    if (!s.month.bits.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hour.bits.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minute.bits.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  return undefined;
}

/** The latest activation in (earliest, now], and how many were missed. */
export function mostRecentActivation(s: CronSchedule, earliest: Date, now: Date, tz?: string): { time?: Date; missed: number } {
  let t = nextActivation(s, earliest, tz);
  if (!t || t > now) return { missed: 0 };
  let last = t;
  let missed = 1;
  for (;;) {
    t = nextActivation(s, last, tz);
    if (!t || t > now) return { time: last, missed };
    last = t;
    missed++;
    if (missed > 100_000) return { time: last, missed };
  }
}
