// The instructor dashboard: learners × exercises with status, attempts, help used and time spent,
// filterable, exportable as JSON and CSV.
import { z } from 'zod';
import type { Db } from '../db';
import type { ExerciseStatus } from './status';

export interface ExerciseRef {
  lessonKey: string;
  exerciseId: string;
  title?: string;
}

export interface DashboardRow {
  userId: string;
  email: string;
  name: string | null;
  lessonKey: string;
  exerciseId: string;
  status: ExerciseStatus;
  attempts: number;
  hintsRevealed: number;
  solutionRevealed: boolean;
  bestScore: number | null;
  maxScore: number | null;
  firstActivityAt: string | null;
  firstPassedAt: string | null;
  lastAttemptAt: string | null;
  /** From the first activity (opening the exercise or the first check) to the first pass, or to the latest check. */
  timeSpentSeconds: number | null;
}

export const dashboardFilterSchema = z.strictObject({
  lesson: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson key such as "kubernetes/first-pods"').optional(),
  track: z.string().regex(/^[a-z0-9-]+$/, 'a track id such as "kubernetes"').optional(),
  learner: z.string().max(200).optional(),
  status: z.enum(['not_started', 'attempted', 'passed', 'passed_with_help']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});
export type DashboardFilter = z.infer<typeof dashboardFilterSchema>;

export async function dashboardRows(db: Db, exercises: ExerciseRef[], filter: DashboardFilter = {}): Promise<DashboardRow[]> {
  const wanted = exercises.filter((e) => (!filter.lesson || e.lessonKey === filter.lesson) && (!filter.track || e.lessonKey.startsWith(filter.track + '/')));
  const lessonKeys = [...new Set(wanted.map((e) => e.lessonKey))];
  const learnerFilter = filter.learner?.trim().toLowerCase();
  const since = filter.since ? new Date(filter.since) : undefined;
  const [users, subs, help] = await Promise.all([
    db.user.findMany({ where: { role: 'learner' }, orderBy: { email: 'asc' }, select: { id: true, email: true, name: true } }),
    db.submission.findMany({
      where: { lessonKey: { in: lessonKeys }, ...(since ? { createdAt: { gte: since } } : {}) },
      orderBy: { createdAt: 'asc' },
      select: { userId: true, lessonKey: true, exerciseId: true, passed: true, score: true, maxScore: true, createdAt: true, solutionRevealed: true },
    }),
    db.exerciseHelp.findMany({ where: { lessonKey: { in: lessonKeys } } }),
  ]);
  // Anyone who submitted (an instructor trying a lesson) appears too.
  const known = new Set(users.map((u) => u.id));
  const others = [...new Set(subs.map((s) => s.userId).filter((id) => !known.has(id)))];
  if (others.length) users.push(...(await db.user.findMany({ where: { id: { in: others } }, select: { id: true, email: true, name: true } })));

  const key = (u: string, l: string, e: string) => `${u}\0${l}\0${e}`;
  const subsBy = new Map<string, typeof subs>();
  for (const s of subs) {
    const k = key(s.userId, s.lessonKey, s.exerciseId);
    subsBy.set(k, [...(subsBy.get(k) ?? []), s]);
  }
  const helpBy = new Map(help.map((h) => [key(h.userId, h.lessonKey, h.exerciseId), h]));

  const rows: DashboardRow[] = [];
  for (const u of users) {
    if (learnerFilter && !u.email.toLowerCase().includes(learnerFilter) && !(u.name ?? '').toLowerCase().includes(learnerFilter)) continue;
    for (const e of wanted) {
      const k = key(u.id, e.lessonKey, e.exerciseId);
      const mine = subsBy.get(k) ?? [];
      const h = helpBy.get(k);
      const firstPass = mine.find((s) => s.passed);
      const solutionRevealed = Boolean(h?.solutionRevealed || mine.some((s) => s.solutionRevealed));
      const status: ExerciseStatus = firstPass ? (solutionRevealed ? 'passed_with_help' : 'passed') : mine.length > 0 || h ? 'attempted' : 'not_started';
      if (filter.status && status !== filter.status) continue;
      const starts = [h?.firstSeenAt, mine[0]?.createdAt].filter((d): d is Date => d instanceof Date);
      const first = starts.length ? new Date(Math.min(...starts.map((d) => d.getTime()))) : undefined;
      const end = firstPass?.createdAt ?? mine[mine.length - 1]?.createdAt;
      const best = mine.reduce<number | null>((b, s) => (b === null || s.score > b ? s.score : b), null);
      rows.push({
        userId: u.id,
        email: u.email,
        name: u.name,
        lessonKey: e.lessonKey,
        exerciseId: e.exerciseId,
        status,
        attempts: mine.length,
        hintsRevealed: h?.hintsRevealed ?? 0,
        solutionRevealed,
        bestScore: best,
        maxScore: mine.length ? mine[mine.length - 1].maxScore : null,
        firstActivityAt: first?.toISOString() ?? null,
        firstPassedAt: firstPass?.createdAt.toISOString() ?? null,
        lastAttemptAt: mine[mine.length - 1]?.createdAt.toISOString() ?? null,
        timeSpentSeconds: first && end ? Math.max(0, Math.round((end.getTime() - first.getTime()) / 1000)) : null,
      });
    }
  }
  return rows;
}

const csvColumns: (keyof DashboardRow)[] = [
  'email',
  'name',
  'lessonKey',
  'exerciseId',
  'status',
  'attempts',
  'hintsRevealed',
  'solutionRevealed',
  'bestScore',
  'maxScore',
  'timeSpentSeconds',
  'firstActivityAt',
  'firstPassedAt',
  'lastAttemptAt',
  'userId',
];

export function toCsv<T extends object>(rows: T[], columns: (keyof T)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function dashboardCsv(rows: DashboardRow[]): string {
  return toCsv(rows, csvColumns);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
