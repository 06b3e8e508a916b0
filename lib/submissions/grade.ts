// The Check button's server side: grade one exercise of a lesson against the learner's own sandbox,
// store the grading as a submission, and mark the lesson complete when every exercise has passed.
// Runs only on the server: the browser sends which exercise, never results.
import type { Db } from '../db';
import { gradeChecks, type CheckResult, type GradeOptions, type GradeResult } from '../grader/engine';
import type { GradingTargets } from '../grader/targets';
import type { ExerciseDefinition } from '../lessons/loader';
import { markCompleted } from '../progress';
import { limiter } from '../security/rate-limit';
import { shareReads } from '../grader/sources/memo';
import { targetsFor, type GradableSandbox } from './targets';

export class GradingError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 429 | 503,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GradingError';
  }
}

export interface GradeRequest {
  userId: string;
  lessonKey: string;
  exerciseId: string;
  lang?: string;
  /** Background checks (tick marks while the learner works) are stored only when they pass. */
  background?: boolean;
}

export interface GradeDeps {
  db: Db;
  /** The exercise's definition, or undefined when the lesson or exercise does not exist. */
  definition(lessonKey: string, exerciseId: string, lang?: string): ExerciseDefinition | undefined;
  /** The learner's running sandbox, or undefined. */
  sandbox(userId: string): Promise<GradableSandbox | undefined>;
  /** Every exercise id of a lesson (for lesson completion). */
  exerciseIds(lessonKey: string): Promise<string[]> | string[];
  options?: GradeOptions;
  /** How to reach the sandbox's APIs; defaults to targetsFor (kubeconfig, Docker host, exec). */
  targets?: (sandbox: GradableSandbox) => GradingTargets;
}

export interface SubmissionView extends GradeResult {
  submissionId?: string;
  exerciseId: string;
  lessonKey: string;
  lessonCompleted: boolean;
}

/** Explicit checks: 20 per minute per learner; background checks (every 5 s per open exercise): 120 per minute. */
const explicitLimit = () => limiter('grade', 20, 60_000);
const backgroundLimit = () => limiter('grade-background', 120, 60_000);

export async function gradeExercise(req: GradeRequest, deps: GradeDeps, onResult?: (result: CheckResult) => void): Promise<SubmissionView> {
  return (await startGrading(req, deps)).run(onResult);
}

export interface GradingJob {
  /** Number of checks the grading will report. */
  checkCount: number;
  /** Grades, streaming each check's result as soon as it is final, then stores the submission. */
  run(onResult?: (result: CheckResult) => void): Promise<SubmissionView>;
}

/** Everything that can refuse a grading (unknown exercise, rate limit, no sandbox) happens here, before any result. */
export async function startGrading(req: GradeRequest, deps: GradeDeps): Promise<GradingJob> {
  const definition = deps.definition(req.lessonKey, req.exerciseId, req.lang);
  if (!definition) throw new GradingError(404, 'not_found', `no exercise "${req.exerciseId}" in lesson ${req.lessonKey}`);

  const rate = (req.background ? backgroundLimit() : explicitLimit()).take(req.userId);
  if (!rate.allowed) throw new GradingError(429, 'rate_limited', `too many checks: try again in ${rate.retryAfterSeconds}s`, rate.retryAfterSeconds);

  if (definition.profile === 'none') throw new GradingError(400, 'no_sandbox', 'this lesson has no sandbox to check');
  const sandbox = await deps.sandbox(req.userId);
  if (!sandbox) throw new GradingError(409, 'no_sandbox', 'your sandbox is not running: open the terminal to start it, then check again');

  return {
    checkCount: definition.checks.length,
    run: async (onResult) => {
      const targets = (deps.targets ?? targetsFor)(sandbox);
      if (targets.kube) targets.kube = shareReads(targets.kube);
      const result = await gradeChecks(definition.checks, targets, { ...deps.options, onResult });
      const view: SubmissionView = { ...result, exerciseId: req.exerciseId, lessonKey: req.lessonKey, lessonCompleted: false };
      if (req.background && !result.passed) return view;
      return store(req, deps, result, view);
    },
  };
}

async function store(req: GradeRequest, deps: GradeDeps, result: GradeResult, view: SubmissionView): Promise<SubmissionView> {
  const help = await deps.db.exerciseHelp.findUnique({ where: { userId_lessonKey_exerciseId: { userId: req.userId, lessonKey: req.lessonKey, exerciseId: req.exerciseId } } });
  const submission = await deps.db.submission.create({
    data: {
      userId: req.userId,
      lessonKey: req.lessonKey,
      exerciseId: req.exerciseId,
      passed: result.passed,
      score: result.score,
      maxScore: result.maxScore,
      results: JSON.stringify(result.checks.map(storedResult)),
      hintsUsed: help?.hintsRevealed ?? 0,
      solutionRevealed: help?.solutionRevealed ?? false,
      durationMs: result.durationMs,
    },
  });
  view.submissionId = submission.id;
  if (result.passed) view.lessonCompleted = await completeLessonIfDone(deps, req.userId, req.lessonKey);
  return view;
}

function storedResult(r: CheckResult) {
  return { id: r.id, type: r.type, passed: r.passed, weight: r.weight, message: r.message, expected: r.expected, found: r.found, ...(r.error ? { error: r.error } : {}) };
}

async function completeLessonIfDone(deps: GradeDeps, userId: string, lessonKey: string): Promise<boolean> {
  const ids = await deps.exerciseIds(lessonKey);
  if (ids.length === 0) return false;
  const passed = await deps.db.submission.findMany({ where: { userId, lessonKey, passed: true }, select: { exerciseId: true }, distinct: ['exerciseId'] });
  const done = new Set(passed.map((p) => p.exerciseId));
  if (!ids.every((id) => done.has(id))) return false;
  await markCompleted(deps.db, userId, lessonKey);
  return true;
}
