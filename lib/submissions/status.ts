// What a learner has done on exercises: per-exercise status for the lesson view, and their history.
import type { Db } from '../db';

export type ExerciseStatus = 'not_started' | 'attempted' | 'passed' | 'passed_with_help';

export interface ExerciseProgress {
  exerciseId: string;
  status: ExerciseStatus;
  attempts: number;
  hintsRevealed: number;
  solutionRevealed: boolean;
  /** Check ids that passed in the latest grading (restores tick marks on reload). */
  lastResults?: { id: string; passed: boolean; message: string }[];
}

export async function lessonExerciseProgress(db: Db, userId: string, lessonKey: string, exerciseIds: string[]): Promise<ExerciseProgress[]> {
  const [subs, help] = await Promise.all([
    db.submission.findMany({ where: { userId, lessonKey }, orderBy: { createdAt: 'asc' } }),
    db.exerciseHelp.findMany({ where: { userId, lessonKey } }),
  ]);
  return exerciseIds.map((exerciseId) => {
    const mine = subs.filter((s) => s.exerciseId === exerciseId);
    const h = help.find((x) => x.exerciseId === exerciseId);
    const passed = mine.some((s) => s.passed);
    const last = mine[mine.length - 1];
    return {
      exerciseId,
      status: passed ? (h?.solutionRevealed ? 'passed_with_help' : 'passed') : mine.length > 0 ? 'attempted' : 'not_started',
      attempts: mine.length,
      hintsRevealed: h?.hintsRevealed ?? 0,
      solutionRevealed: h?.solutionRevealed ?? false,
      lastResults: last ? parseResults(last.results).map((r) => ({ id: r.id, passed: r.passed, message: r.message })) : undefined,
    };
  });
}

export interface StoredCheckResult {
  id: string;
  type: string;
  passed: boolean;
  weight: number;
  message: string;
  expected: string;
  found: string;
  error?: string;
}

export function parseResults(json: string): StoredCheckResult[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as StoredCheckResult[]) : [];
  } catch {
    return [];
  }
}

export interface HistoryEntry {
  id: string;
  lessonKey: string;
  exerciseId: string;
  passed: boolean;
  score: number;
  maxScore: number;
  hintsUsed: number;
  solutionRevealed: boolean;
  durationMs: number;
  createdAt: string;
  checks: StoredCheckResult[];
}

export async function submissionHistory(db: Db, userId: string, opts: { lessonKey?: string; limit?: number } = {}): Promise<HistoryEntry[]> {
  const rows = await db.submission.findMany({
    where: { userId, ...(opts.lessonKey ? { lessonKey: opts.lessonKey } : {}) },
    orderBy: { createdAt: 'desc' },
    take: Math.min(opts.limit ?? 200, 1000),
  });
  return rows.map((s) => ({
    id: s.id,
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
