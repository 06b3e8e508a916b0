// Submissions, help, dashboard, export and API tokens over a real (temporary) SQLite database,
// grading against fixture cluster states.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser } from '@/lib/auth/users';
import { checkSchema } from '@/lib/grader/schema';
import type { ExerciseDefinition } from '@/lib/lessons/loader';
import {
  authenticateBearer,
  createApiToken,
  dashboardCsv,
  dashboardRows,
  gradeExercise,
  GradingError,
  lessonExerciseProgress,
  revealHint,
  revealSolution,
  revokeApiToken,
  submissionHistory,
  touchExercise,
  type GradeDeps,
} from '@/lib/submissions';
import { exportSubmissions, submissionsCsv } from '@/lib/submissions/export';
import { deployment, fixtureKube, pod } from './fixtures';

let db: Db;
beforeAll(async () => {
  const url = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'kubelab-subs-')), 'subs.db')}`;
  await prepareDatabase(() => undefined, url);
  db = createDb(url);
}, 120_000);
afterAll(() => db.$disconnect());

const lessonKey = 'kubernetes/first-deployment';
const objects = [deployment('web', { replicas: 3, ready: 1 }), ...['a', 'b', 'c'].map((s, i) => pod(`web-${s}`, { labels: { app: 'web' }, node: `w${i + 1}-k8s`, phase: i === 0 ? 'Running' : 'Pending', waiting: i === 0 ? undefined : 'ImagePullBackOff' }))];

function definition(exerciseId: string): ExerciseDefinition | undefined {
  const checks = {
    'create-web': [
      { type: 'k8s.exists', id: 'exists', kind: 'Deployment', name: 'web' },
      { type: 'k8s.ready', id: 'ready', kind: 'Deployment', name: 'web', replicas: 3, hint: 'look at the image name' },
    ],
    'scale-web': [{ type: 'k8s.exists', kind: 'Deployment', name: 'web' }],
  }[exerciseId];
  if (!checks) return undefined;
  return {
    lessonKey,
    profile: 'kubernetes',
    lessonSetup: [],
    exercise: { id: exerciseId, title: exerciseId, hints: ['first', 'second'], setup: [], solution: ['kubectl create deployment web --image=nginx --replicas=3'], checks: checks.map((c) => checkSchema.parse(c)) },
    checks: checks.map((c) => checkSchema.parse(c)),
  };
}

function deps(overrides: Partial<GradeDeps> = {}): GradeDeps {
  return {
    db,
    definition: (l, e) => (l === lessonKey ? definition(e) : undefined),
    sandbox: async () => ({ id: 'sb', exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }) }),
    exerciseIds: () => ['create-web', 'scale-web'],
    targets: () => ({ kube: fixtureKube(objects) }),
    ...overrides,
  };
}

describe('grading submissions', () => {
  it('stores a failing grading with the per-check findings and the help used', async () => {
    const user = await createUser(db, { email: 'fail@example.com', password: 'longenough' });
    const key = { userId: user.id, lessonKey, exerciseId: 'create-web' };
    await touchExercise(db, key);
    expect(await revealHint(db, key, 2)).toEqual({ hintsRevealed: 1, solutionRevealed: false });
    const view = await gradeExercise({ userId: user.id, lessonKey, exerciseId: 'create-web' }, deps());
    expect(view.passed).toBe(false);
    expect(view.score).toBe(1);
    expect(view.maxScore).toBe(2);
    expect(view.checks.find((c) => c.id === 'ready')?.message).toBe(
      'Expected 3 ready replicas of Deployment "web" in namespace default, found 1 ready; pods web-b, web-c are ImagePullBackOff',
    );
    const [stored] = await submissionHistory(db, user.id);
    expect(stored).toMatchObject({ id: view.submissionId, passed: false, score: 1, maxScore: 2, hintsUsed: 1, solutionRevealed: false, exerciseId: 'create-web' });
    expect(stored.checks.map((c) => [c.id, c.passed])).toEqual([
      ['exists', true],
      ['ready', false],
    ]);
  });

  it('marks the lesson complete when every exercise has passed, and records solved-with-help', async () => {
    const user = await createUser(db, { email: 'pass@example.com', password: 'longenough' });
    const ready = [deployment('web', { replicas: 3, ready: 3 })];
    const d = deps({ targets: () => ({ kube: fixtureKube(ready) }) });
    await revealSolution(db, { userId: user.id, lessonKey, exerciseId: 'create-web' });
    const first = await gradeExercise({ userId: user.id, lessonKey, exerciseId: 'create-web' }, d);
    expect(first).toMatchObject({ passed: true, lessonCompleted: false });
    const second = await gradeExercise({ userId: user.id, lessonKey, exerciseId: 'scale-web' }, d);
    expect(second).toMatchObject({ passed: true, lessonCompleted: true });
    expect((await db.lessonProgress.findUniqueOrThrow({ where: { userId_lessonKey: { userId: user.id, lessonKey } } })).status).toBe('completed');
    const progress = await lessonExerciseProgress(db, user.id, lessonKey, ['create-web', 'scale-web']);
    expect(progress.map((p) => [p.exerciseId, p.status, p.attempts])).toEqual([
      ['create-web', 'passed_with_help', 1],
      ['scale-web', 'passed', 1],
    ]);
  });

  it('does not store failing background checks, but stores passing ones', async () => {
    const user = await createUser(db, { email: 'bg@example.com', password: 'longenough' });
    await gradeExercise({ userId: user.id, lessonKey, exerciseId: 'create-web', background: true }, deps());
    expect(await db.submission.count({ where: { userId: user.id } })).toBe(0);
    await gradeExercise({ userId: user.id, lessonKey, exerciseId: 'scale-web', background: true }, deps());
    expect(await db.submission.count({ where: { userId: user.id } })).toBe(1);
  });

  it('refuses unknown exercises, missing sandboxes and too many checks with reasons', async () => {
    const user = await createUser(db, { email: 'refused@example.com', password: 'longenough' });
    await expect(gradeExercise({ userId: user.id, lessonKey, exerciseId: 'nope' }, deps())).rejects.toMatchObject({ status: 404, message: `no exercise "nope" in lesson ${lessonKey}` });
    await expect(gradeExercise({ userId: user.id, lessonKey, exerciseId: 'scale-web' }, deps({ sandbox: async () => undefined }))).rejects.toMatchObject({
      status: 409,
      message: 'your sandbox is not running: open the terminal to start it, then check again',
    });
    let limited: GradingError | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      await gradeExercise({ userId: user.id, lessonKey, exerciseId: 'scale-web' }, deps()).catch((e: GradingError) => (limited = e));
    }
    expect(limited).toBeInstanceOf(GradingError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited!.message).toMatch(/^too many checks: try again in \d+s$/);
  });

  it('hints never go beyond the exercise hints; the solution reveal is recorded once', async () => {
    const user = await createUser(db, { email: 'hints@example.com', password: 'longenough' });
    const key = { userId: user.id, lessonKey, exerciseId: 'create-web' };
    for (let i = 0; i < 4; i++) await revealHint(db, key, 2);
    expect(await revealSolution(db, key)).toEqual({ hintsRevealed: 2, solutionRevealed: true });
    const at = (await db.exerciseHelp.findUniqueOrThrow({ where: { userId_lessonKey_exerciseId: key } })).solutionAt;
    await revealSolution(db, key);
    expect((await db.exerciseHelp.findUniqueOrThrow({ where: { userId_lessonKey_exerciseId: key } })).solutionAt).toEqual(at);
  });
});

describe('instructor dashboard and export', () => {
  const exercises = [
    { lessonKey, exerciseId: 'create-web' },
    { lessonKey, exerciseId: 'scale-web' },
  ];

  it('lists learners × exercises with status, attempts, help and time spent, filterable', async () => {
    const rows = await dashboardRows(db, exercises, { learner: 'pass@' });
    expect(rows.map((r) => [r.email, r.exerciseId, r.status, r.attempts, r.solutionRevealed])).toEqual([
      ['pass@example.com', 'create-web', 'passed_with_help', 1, true],
      ['pass@example.com', 'scale-web', 'passed', 1, false],
    ]);
    expect(rows[0].timeSpentSeconds).toBeGreaterThanOrEqual(0);
    const failing = await dashboardRows(db, exercises, { status: 'attempted', lesson: lessonKey });
    expect(failing.find((r) => r.email === 'fail@example.com' && r.exerciseId === 'create-web')).toMatchObject({ attempts: 1, hintsRevealed: 1, bestScore: 1, maxScore: 2 });
    expect(failing.every((r) => r.status === 'attempted')).toBe(true);
    const notStarted = await dashboardRows(db, exercises, { status: 'not_started', learner: 'fail@' });
    expect(notStarted.map((r) => r.exerciseId)).toEqual(['scale-web']);
  });

  it('exports CSV with a header, quoting and formula neutralisation', async () => {
    const user = await createUser(db, { email: 'csv@example.com', password: 'longenough', name: '=HYPERLINK("x"), "quoted"' });
    await touchExercise(db, { userId: user.id, lessonKey, exerciseId: 'scale-web' });
    const csv = dashboardCsv(await dashboardRows(db, exercises, { learner: 'csv@' }));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,name,lessonKey,exerciseId,status,attempts,hintsRevealed,solutionRevealed,bestScore,maxScore,timeSpentSeconds,firstActivityAt,firstPassedAt,lastAttemptAt,userId');
    expect(lines[1]).toMatch(/^csv@example\.com,"'=HYPERLINK\(""x""\), ""quoted""",kubernetes\/first-deployment,create-web,not_started,0,0,false,,,,,,,/);
    expect(lines[2]).toContain(',scale-web,attempted,0,0,false,');
  });

  it('exports raw submissions as JSON and CSV', async () => {
    const all = await exportSubmissions(db, { format: 'json', limit: 100, lesson: lessonKey, learner: 'fail@' });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ email: 'fail@example.com', exerciseId: 'create-web', passed: false, hintsUsed: 1 });
    const csv = submissionsCsv(all).split('\r\n');
    expect(csv[0]).toBe('id,email,lessonKey,exerciseId,passed,score,maxScore,checksPassed,checksTotal,failedChecks,hintsUsed,solutionRevealed,durationMs,createdAt,userId');
    expect(csv[1]).toContain(',fail@example.com,kubernetes/first-deployment,create-web,false,1,2,1,2,ready,1,false,');
  });

  it('API tokens are stored hashed, work as Bearer for instructors only, and can be revoked', async () => {
    const instructor = await createUser(db, { email: 'teach@example.com', password: 'longenough' }, 'instructor');
    const created = await createApiToken(db, instructor.id, 'LMS');
    expect(created.token).toMatch(/^klt_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).not.toContain(created.token);
    expect(await authenticateBearer(db, `Bearer ${created.token}`)).toMatchObject({ ok: true, user: { id: instructor.id, role: 'instructor' } });
    expect(await authenticateBearer(db, 'Bearer klt_wrong')).toEqual({ ok: false, status: 401, message: 'unknown or revoked API token' });
    expect(await authenticateBearer(db, 'Basic abc')).toEqual({ ok: false, status: 401, message: 'Authorization must be "Bearer <token>"' });
    expect(await authenticateBearer(db, null)).toBeUndefined();
    await db.user.update({ where: { id: instructor.id }, data: { role: 'learner' } });
    expect(await authenticateBearer(db, `Bearer ${created.token}`)).toEqual({ ok: false, status: 403, message: 'the token owner is no longer an instructor or admin' });
    await db.user.update({ where: { id: instructor.id }, data: { role: 'instructor' } });
    const other = await createUser(db, { email: 'other-teach@example.com', password: 'longenough' }, 'instructor');
    expect(await revokeApiToken(db, { id: other.id, role: 'instructor' }, created.id)).toBe(false);
    expect(await revokeApiToken(db, { id: instructor.id, role: 'instructor' }, created.id)).toBe(true);
    expect(await authenticateBearer(db, `Bearer ${created.token}`)).toMatchObject({ ok: false, status: 401 });
  });
});
