// The grading API end to end below the browser: a learner's real sandbox (local driver, its own
// mini-cluster), the solution typed into the sandbox's terminal (PTY), the Check route graded
// server-side, the submission visible to the learner and in the instructor export (session and
// Bearer token), and every refusal (CSRF, no session, wrong role, bad input) with its reason.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser, type SessionUser } from '@/lib/auth/users';
import { LocalDriver } from '@/sandbox/drivers/local';
import { SandboxManager } from '@/sandbox/manager';

const SECRET = 'grading-api-test-secret-0123456789';
const ORIGIN = 'http://127.0.0.1:3000';
const lessonKey = 'kubernetes/first-deployment';

let db: Db;
let manager: SandboxManager;
let learner: SessionUser;
let instructor: SessionUser;
let routes: {
  check: typeof import('@/app/api/exercises/check/route');
  help: typeof import('@/app/api/exercises/help/route');
  progress: typeof import('@/app/api/exercises/progress/route');
  history: typeof import('@/app/api/exercises/history/route');
  tokens: typeof import('@/app/api/v1/tokens/route');
  dashboard: typeof import('@/app/api/v1/dashboard/route');
  submissions: typeof import('@/app/api/v1/submissions/route');
};

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-grading-api-'));
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.KUBELAB_STATE_DIR = dir;
  process.env.KUBELAB_LESSONS_DIR = path.join(__dirname, 'fixtures', 'lessons');
  const url = `file:${path.join(dir, 'api.db')}`;
  await prepareDatabase(() => undefined, url);
  db = createDb(url);
  manager = new SandboxManager(new LocalDriver({ stateDir: dir, clusterTimeScale: 0.05 }));
  // The routes reach the database and the sandboxes through these process-wide holders.
  Object.assign(globalThis, { kubelabDb: db, kubelabSandboxes: manager });
  learner = await createUser(db, { email: 'learner@example.com', password: 'longenough', name: 'Lea' });
  instructor = await createUser(db, { email: 'teacher@example.com', password: 'longenough' }, 'instructor');
  routes = {
    check: await import('@/app/api/exercises/check/route'),
    help: await import('@/app/api/exercises/help/route'),
    progress: await import('@/app/api/exercises/progress/route'),
    history: await import('@/app/api/exercises/history/route'),
    tokens: await import('@/app/api/v1/tokens/route'),
    dashboard: await import('@/app/api/v1/dashboard/route'),
    submissions: await import('@/app/api/v1/submissions/route'),
  };
}, 120_000);

afterAll(async () => {
  await manager.shutdown();
  await db.$disconnect();
});

async function cookieFor(user: SessionUser): Promise<string> {
  return `next-auth.session-token=${await encode({ token: { uid: user.id, role: user.role }, secret: SECRET })}`;
}

async function request(pathAndQuery: string, opts: { user?: SessionUser; body?: unknown; csrf?: boolean; bearer?: string; method?: string } = {}): Promise<Request> {
  const headers: Record<string, string> = { 'content-type': 'application/json', host: '127.0.0.1:3000' };
  if (opts.user) headers.cookie = await cookieFor(opts.user);
  if (opts.csrf !== false && opts.body !== undefined) Object.assign(headers, { 'x-kubelab-request': '1', origin: ORIGIN });
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  return new Request(ORIGIN + pathAndQuery, { method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'), headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

async function json(res: Response): Promise<any> {
  return res.json();
}

async function typeInTerminal(sandboxId: string, command: string): Promise<string> {
  const pty = await manager.driver.attach(sandboxId, { cols: 120, rows: 30 });
  let output = '';
  pty.onData((d) => (output += d));
  pty.write(command + '\r');
  const until = Date.now() + 60_000;
  while (!/deployment\.apps\/web created/.test(output) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  pty.dispose();
  return output;
}

describe('grading API', () => {
  it('grades the learner sandbox server-side: fails before, passes after the solution is typed', async () => {
    const info = await manager.ensure(learner.id, 'kubernetes');
    expect(info.state).toBe('running');

    const before = await routes.check.POST(await request('/api/exercises/check', { user: learner, body: { lessonKey, exerciseId: 'create-web' } }));
    expect(before.status).toBe(200);
    const failed = await json(before);
    expect(failed.passed).toBe(false);
    expect(failed.checks.find((c: { id: string }) => c.id === 'exists')).toMatchObject({ passed: false, message: 'There is no Deployment named web yet.', hint: 'Create it with kubectl create deployment.' });

    const hint = await routes.help.POST(await request('/api/exercises/help', { user: learner, body: { lessonKey, exerciseId: 'create-web', action: 'hint' } }));
    expect(await json(hint)).toEqual({ hintsRevealed: 1, solutionRevealed: false });

    expect(await typeInTerminal(info.id, 'kubectl create deployment web --image=nginx --replicas=2')).toMatch(/deployment\.apps\/web created/);

    const after = await routes.check.POST(await request('/api/exercises/check', { user: learner, body: { lessonKey, exerciseId: 'create-web' } }));
    const passed = await json(after);
    expect(passed.checks.map((c: { id: string; passed: boolean }) => [c.id, c.passed])).toEqual([
      ['exists', true],
      ['image', true],
      ['ready', true],
      ['pods', true],
      ['kubectl-sees-it', true],
    ]);
    expect(passed).toMatchObject({ passed: true, score: 5, maxScore: 5, lessonCompleted: false });
    expect(passed.checks[0].message).toBe('The Deployment web exists.');

    const progress = await json(await routes.progress.GET(await request(`/api/exercises/progress?lesson=${lessonKey}`, { user: learner })));
    expect(progress.exercises.map((e: { exerciseId: string; status: string; attempts: number; hintsRevealed: number }) => [e.exerciseId, e.status, e.attempts, e.hintsRevealed])).toEqual([
      ['create-web', 'passed', 2, 1],
      ['scale-web', 'not_started', 0, 0],
    ]);
    const history = await json(await routes.history.GET(await request('/api/exercises/history', { user: learner })));
    expect(history.submissions.map((s: { passed: boolean; hintsUsed: number }) => [s.passed, s.hintsUsed])).toEqual([
      [true, 1],
      [false, 0],
    ]);
  }, 180_000);

  it('refuses forged or foreign requests with reasons', async () => {
    const noCsrf = await routes.check.POST(await request('/api/exercises/check', { user: learner, body: { lessonKey, exerciseId: 'create-web' }, csrf: false }));
    expect(noCsrf.status).toBe(403);
    expect(await json(noCsrf)).toEqual({ error: { code: 'csrf', message: 'request refused: missing x-kubelab-request header' } });
    const anonymous = await routes.check.POST(await request('/api/exercises/check', { body: { lessonKey, exerciseId: 'create-web' } }));
    expect(anonymous.status).toBe(401);
    // A learner cannot name another user (or send results): only lessonKey/exerciseId are accepted.
    const forged = await routes.check.POST(await request('/api/exercises/check', { user: learner, body: { lessonKey, exerciseId: 'create-web', userId: instructor.id, passed: true } }));
    expect(forged.status).toBe(400);
    expect((await json(forged)).error.message).toMatch(/Unrecognized keys: "userId", "passed"/);
    const unknown = await routes.check.POST(await request('/api/exercises/check', { user: learner, body: { lessonKey, exerciseId: 'no-such' } }));
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.message).toBe(`no exercise "no-such" in lesson ${lessonKey}`);
    const noSandbox = await routes.check.POST(await request('/api/exercises/check', { user: instructor, body: { lessonKey, exerciseId: 'create-web' } }));
    expect(noSandbox.status).toBe(409);
    expect((await json(noSandbox)).error.message).toBe('your sandbox is not running: open the terminal to start it, then check again');
  });

  it('instructors see the submission in the dashboard export, by session and by API token', async () => {
    const refused = await routes.tokens.POST(await request('/api/v1/tokens', { user: learner, body: { name: 'mine' } }));
    expect(refused.status).toBe(403);
    const created = await routes.tokens.POST(await request('/api/v1/tokens', { user: instructor, body: { name: 'LMS' } }));
    expect(created.status).toBe(201);
    const { token } = await json(created);

    const csv = await routes.dashboard.GET(await request(`/api/v1/dashboard?format=csv&lesson=${lessonKey}`, { bearer: token }));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines.find((l) => l.startsWith('learner@example.com,Lea,kubernetes/first-deployment,create-web,'))).toMatch(/,create-web,passed,2,1,false,5,5,\d+,/);

    const bySession = await json(await routes.dashboard.GET(await request('/api/v1/dashboard?status=passed', { user: instructor })));
    expect(bySession.rows.map((r: { email: string; exerciseId: string }) => [r.email, r.exerciseId])).toEqual([['learner@example.com', 'create-web']]);

    const subs = await json(await routes.submissions.GET(await request(`/api/v1/submissions?lesson=${lessonKey}`, { bearer: token })));
    expect(subs.submissions.map((s: { email: string; passed: boolean }) => [s.email, s.passed])).toEqual([
      ['learner@example.com', false],
      ['learner@example.com', true],
    ]);

    expect((await routes.dashboard.GET(await request('/api/v1/dashboard', { user: learner }))).status).toBe(403);
    const none = await routes.dashboard.GET(await request('/api/v1/dashboard'));
    expect(none.status).toBe(401);
    const badToken = await routes.dashboard.GET(await request('/api/v1/dashboard', { bearer: 'klt_forged' }));
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('www-authenticate')).toBe('Bearer');
    const badFilter = await routes.dashboard.GET(await request('/api/v1/dashboard?status=done', { bearer: token }));
    expect(badFilter.status).toBe(400);
    expect((await json(badFilter)).error.message).toMatch(/^status: /);
  });

  it('streams results check by check when asked for NDJSON', async () => {
    const req = await request('/api/exercises/check', { user: learner, body: { lessonKey, exerciseId: 'create-web' } });
    const streamed = new Request(req, { headers: { ...Object.fromEntries(req.headers), accept: 'application/x-ndjson' } });
    const res = await routes.check.POST(streamed);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ type: 'start', checkCount: 5 });
    expect(lines.slice(1, 6).map((l) => l.type)).toEqual(['check', 'check', 'check', 'check', 'check']);
    expect(lines.slice(1, 6).map((l) => l.check.id).sort()).toEqual(['exists', 'image', 'kubectl-sees-it', 'pods', 'ready']);
    expect(lines[6]).toMatchObject({ type: 'done', result: { passed: true, score: 5, maxScore: 5 } });
    expect(lines).toHaveLength(7);
  }, 60_000);
});
