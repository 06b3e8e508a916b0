// Browser test of grading without Next: chromium (playwright-core) loads the real ExercisePanel /
// GradingProvider bundle and an xterm terminal attached to the learner's real sandbox (local
// driver, own mini-cluster) through the real TerminalBridge; API requests go to the real route
// handlers. The learner types the solution in xterm, clicks Check, every check passes (streamed
// check by check); hints are recorded; a second exercise passes by background checking after the
// solution was revealed; the instructor dashboard page then shows both.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { chromium, type Browser } from 'playwright-core';
import { renderToStaticMarkup } from 'react-dom/server';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser, type SessionUser } from '@/lib/auth/users';
import { LocalDriver } from '@/sandbox/drivers/local';
import { SandboxManager } from '@/sandbox/manager';
import { bundleHarness, CHROMIUM, CHROMIUM_ARGS, send, toRequest } from '../support/browser-harness';

jest.mock('@/app/components/grading/grading.css', () => ({}));
const who: { user: SessionUser | null } = { user: null };
jest.mock('@/lib/auth/request', () => ({ ...jest.requireActual('@/lib/auth/request'), currentUser: async () => who.user }));

const SECRET = 'grading-panel-e2e-secret-0123456789';
const lessonKey = 'kubernetes/first-deployment';

let db: Db;
let manager: SandboxManager;
let server: http.Server;
let browser: Browser;
let base = '';
let learner: SessionUser;
let instructor: SessionUser;
let bridge: { close(): void };

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-grading-panel-'));
  Object.assign(process.env, { NEXTAUTH_SECRET: SECRET, KUBELAB_STATE_DIR: dir, KUBELAB_LESSONS_DIR: path.join(__dirname, '..', 'grader', 'fixtures', 'lessons') });
  const url = `file:${path.join(dir, 'panel.db')}`;
  await prepareDatabase(() => undefined, url);
  db = createDb(url);
  manager = new SandboxManager(new LocalDriver({ stateDir: dir, clusterTimeScale: 0.05 }));
  Object.assign(globalThis, { kubelabDb: db, kubelabSandboxes: manager });
  learner = await createUser(db, { email: 'panel-learner@example.com', password: 'longenough' });
  instructor = await createUser(db, { email: 'panel-teacher@example.com', password: 'longenough' }, 'instructor');

  const assets = await bundleHarness(path.join(__dirname, 'grading-harness', 'entry.tsx'));
  const { loadLesson } = await import('@/lib/lessons');
  const loaded = await loadLesson('kubernetes', 'first-deployment', 'en');
  if (!loaded.ok) throw new Error('fixture lesson does not load');
  const lessonData = { lessonKey, profile: loaded.lesson.sandbox.profile, exercises: loaded.lesson.exercises };

  const routes = {
    'POST /api/exercises/check': (await import('@/app/api/exercises/check/route')).POST,
    'POST /api/exercises/help': (await import('@/app/api/exercises/help/route')).POST,
    'GET /api/exercises/progress': (await import('@/app/api/exercises/progress/route')).GET,
  } as Record<string, (req: Request) => Promise<Response>>;
  const { default: InstructorPage } = await import('@/app/instructor/page');
  const { getUserFromCookieHeader } = await import('@/lib/auth/session');
  const { TerminalBridge } = await import('@/sandbox/terminal/bridge');
  bridge = new TerminalBridge({ manager, authenticate: (cookie) => getUserFromCookieHeader(cookie, SECRET) });

  server = http.createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const route = routes[`${req.method} ${u.pathname}`];
      if (route) return send(res, await route(await toRequest(req, base)));
      if (u.pathname === '/bundle.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(assets.js);
      if (u.pathname === '/bundle.css') return res.writeHead(200, { 'content-type': 'text/css' }).end(assets.css);
      if (u.pathname === '/lesson') {
        const page = `<!doctype html><html><head><link rel="stylesheet" href="/bundle.css"></head><body><div id="terminal"></div><div id="lesson"></div><script>window.__LESSON__=${JSON.stringify(lessonData)}</script><script src="/bundle.js"></script></body></html>`;
        return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      }
      if (u.pathname === '/instructor') {
        who.user = await getUserFromCookieHeader(req.headers.cookie, SECRET);
        const el = await InstructorPage({ searchParams: Promise.resolve(Object.fromEntries(u.searchParams)) });
        return res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body>${renderToStaticMarkup(el)}</body></html>`);
      }
      res.writeHead(404).end();
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!(bridge as unknown as { handleUpgrade: (r: unknown, s: unknown, h: unknown) => boolean }).handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  bridge?.close();
  await manager?.shutdown();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await db?.$disconnect();
}, 60_000);

async function contextFor(user: SessionUser) {
  const context = await browser.newContext();
  const token = await encode({ token: { uid: user.id, role: user.role }, secret: SECRET });
  await context.addCookies([{ name: 'next-auth.session-token', value: token, url: base }]);
  return context;
}

it('learner types the solution in xterm, Check shows every check passing, the dashboard shows the submission', async () => {
  const page = await (await contextFor(learner)).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/lesson`);
  const panel = page.locator('section.exercise-panel[data-exercise-id="create-web"]');
  await panel.waitFor();

  // A hint, revealed and recorded.
  await panel.locator('button.exercise-hint-button').click();
  await panel.locator('.exercise-hints li').first().waitFor();

  // Check before doing anything: the checks fail with their messages.
  await panel.locator('button.exercise-check').click();
  await panel.locator('.exercise-result-fail').waitFor({ timeout: 90_000 });
  expect(await panel.locator('li[data-check-id="exists"]').textContent()).toContain('There is no Deployment named web yet.');

  // The shell prompt, then the solution typed into xterm.
  await page.waitForFunction(() => ((document.querySelector('.xterm-rows') as HTMLElement | null)?.innerText ?? '').includes('learner@kubelab'), undefined, { timeout: 120_000 });
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('kubectl create deployment web --image=nginx --replicas=2', { delay: 2 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => ((document.querySelector('.xterm-rows') as HTMLElement | null)?.innerText ?? '').includes('deployment.apps/web created'), undefined, { timeout: 60_000 });

  const started = Date.now();
  await panel.locator('button.exercise-check').click();
  await panel.locator('.exercise-result-pass').waitFor({ timeout: 60_000 });
  const elapsed = Date.now() - started;
  expect(await panel.locator('li[data-check-id]').count()).toBe(5);
  expect(await panel.locator('li[data-passed="false"]').count()).toBe(0);
  expect(await panel.locator('.exercise-result-summary').textContent()).toContain('(5/5)');
  expect(errors).toEqual([]);
  process.stdout.write(`grading-panel: Check to all-pass in the browser took ${elapsed} ms\n`);

  const rows = await db.submission.findMany({ where: { userId: learner.id }, orderBy: { createdAt: 'asc' } });
  expect(rows.map((r) => [r.exerciseId, r.passed, r.hintsUsed])).toEqual([
    ['create-web', false, 1],
    ['create-web', true, 1],
  ]);

  // Second exercise: the solution revealed (recorded), background checking on, no Check click:
  // the tick marks appear by themselves once the learner's command has taken effect.
  const scale = page.locator('section.exercise-panel[data-exercise-id="scale-web"]');
  await scale.locator('button.exercise-solution-button').click();
  await scale.locator('.exercise-confirm button').first().click();
  await scale.locator('.exercise-solution').waitFor();
  await scale.locator('.exercise-watch input').check();
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('kubectl scale deployment web --replicas=3', { delay: 2 });
  await page.keyboard.press('Enter');
  await scale.locator('.exercise-result-pass').waitFor({ timeout: 90_000 });
  expect(await scale.locator('.exercise-solved-with-help').textContent()).toBe('Solved with the solution shown');
  const progress = await db.lessonProgress.findUniqueOrThrow({ where: { userId_lessonKey: { userId: learner.id, lessonKey } } });
  expect(progress.status).toBe('completed');

  const teacher = await (await contextFor(instructor)).newPage();
  await teacher.goto(`${base}/instructor?lesson=${encodeURIComponent(lessonKey)}`);
  const row = teacher.locator(`tr[data-learner="panel-learner@example.com"][data-exercise="create-web"]`);
  expect(await row.getAttribute('data-status')).toBe('passed');
  expect(await row.locator('td').nth(4).textContent()).toBe('2');
  const scaled = teacher.locator(`tr[data-learner="panel-learner@example.com"][data-exercise="scale-web"]`);
  expect(await scaled.getAttribute('data-status')).toBe('passed_with_help');
  expect(await scaled.locator('td').nth(5).textContent()).toBe('0 + solution');
}, 300_000);
