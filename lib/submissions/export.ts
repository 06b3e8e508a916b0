// The export API's data: dashboard rows and raw submissions, as JSON or CSV.
import { z } from 'zod';
import type { Db } from '../db';
import { dashboardFilterSchema, toCsv } from './dashboard';
import { parseResults } from './status';

export const exportFormat = z.enum(['json', 'csv']).default('json');

export const submissionsQuerySchema = z.strictObject({
  format: exportFormat,
  lesson: dashboardFilterSchema.shape.lesson,
  learner: dashboardFilterSchema.shape.learner,
  since: dashboardFilterSchema.shape.since,
  limit: z.coerce.number().int().min(1).max(50_000).default(10_000),
});

export interface ExportedSubmission {
  id: string;
  email: string;
  userId: string;
  lessonKey: string;
  exerciseId: string;
  passed: boolean;
  score: number;
  maxScore: number;
  hintsUsed: number;
  solutionRevealed: boolean;
  durationMs: number;
  createdAt: string;
  checks: ReturnType<typeof parseResults>;
}

export async function exportSubmissions(db: Db, q: z.infer<typeof submissionsQuerySchema>): Promise<ExportedSubmission[]> {
  const learner = q.learner?.trim();
  const rows = await db.submission.findMany({
    where: {
      ...(q.lesson ? { lessonKey: q.lesson } : {}),
      ...(q.since ? { createdAt: { gte: new Date(q.since) } } : {}),
      ...(learner ? { user: { email: { contains: learner.toLowerCase() } } } : {}),
    },
    orderBy: { createdAt: 'asc' },
    take: q.limit,
    include: { user: { select: { email: true } } },
  });
  return rows.map((s) => ({
    id: s.id,
    email: s.user.email,
    userId: s.userId,
    lessonKey: s.lessonKey,
    exerciseId: s.exerciseId,
    passed: s.passed,
    score: s.score,
    maxScore: s.maxScore,
    hintsUsed: s.hintsUsed,
    solutionRevealed: s.solutionRevealed,
    durationMs: s.durationMs,
    createdAt: s.createdAt.toISOString(),
    checks: parseResults(s.results),
  }));
}

export function submissionsCsv(rows: ExportedSubmission[]): string {
  const flat = rows.map((r) => ({ ...r, checksPassed: r.checks.filter((c) => c.passed).length, checksTotal: r.checks.length, failedChecks: r.checks.filter((c) => !c.passed).map((c) => c.id).join(' ') }));
  return toCsv(flat, ['id', 'email', 'lessonKey', 'exerciseId', 'passed', 'score', 'maxScore', 'checksPassed', 'checksTotal', 'failedChecks', 'hintsUsed', 'solutionRevealed', 'durationMs', 'createdAt', 'userId']);
}
