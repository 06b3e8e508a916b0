// Browser end to end: a learner opens the first Kubernetes lesson, types each exercise's solution
// into the xterm terminal, presses Check and sees every check pass; the instructor dashboard then
// shows the submissions. Real server (server.ts, Next dev), real sandbox (local driver, its own
// mini-cluster), Debian chromium through playwright-core.
//
// Opt-in with KUBELAB_E2E=1: it starts Next in development mode (minutes of compilation on a
// loaded 2-core machine). Uses the first lesson of lessons/kubernetes when it has exercises,
// otherwise the fixture lesson tests/grader/fixtures/lessons/kubernetes/01-first-deployment.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUser } from '@/lib/auth/users';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';

const root = path.join(__dirname, '..', '..');
const enabled = process.env.KUBELAB_E2E === '1';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LEARNER = { email: 'e2e-learner@example.com', password: 'learner-password' };
const INSTRUCTOR = { email: 'e2e-teacher@example.com', password: 'teacher-password' };

interface LessonUnderTest {
  lessonsDir: string;
  key: string;
  exercises: { id: string; solution: string[]; checkCount: number }[];
}

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let db: Db | undefined;
let base = '';
let lesson: LessonUnderTest;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The first Kubernetes lesson with exercises in lessons/, else the fixture copied to a temp dir. */
async function chooseLesson(tmp: string): Promise<LessonUnderTest> {
  const realTrack = path.join(root, 'lessons', 'kubernetes');
  const candidates = existsSync(realTrack) ? readdirSync(realTrack).filter((d) => /^\d{2}-/.test(d)).sort() : [];
  let lessonsDir = path.join(root, 'lessons');
  let folder = candidates[0];
  const { loadLesson } = await import('@/lib/lessons');
  const load = async (dir: string, f: string) => {
    process.env.KUBELAB_LESSONS_DIR = dir;
    const r = await loadLesson('kubernetes', f.replace(/^\d{2}-/, ''), 'en');
    return r.ok && r.lesson.exercises.length > 0 && r.lesson.sandbox.profile === 'kubernetes' ? r.lesson : undefined;
  };
  let loaded = folder ? await load(lessonsDir, folder) : undefined;
  if (!loaded) {
    lessonsDir = path.join(tmp, 'lessons');
    cpSync(path.join(root, 'tests', 'grader', 'fixtures', 'lessons'), lessonsDir, { recursive: true });
    folder = '01-first-deployment';
    loaded = await load(lessonsDir, folder);
  }
  if (!loaded) throw new Error('no Kubernetes lesson with exercises to test');
  return { lessonsDir, key: loaded.key, exercises: loaded.exercises.map((e) => ({ id: e.id, solution: e.solution, checkCount: e.checkCount })) };
}

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 120_000 }), page.click('button[type="submit"]')]);
}

(enabled ? describe : describe.skip)('grading in the browser', () => {
  beforeAll(async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubelab-e2e-grading-'));
    lesson = await chooseLesson(tmp);
    const url = `file:${path.join(tmp, 'e2e.db')}`;
    await prepareDatabase(() => undefined, url);
    db = createDb(url);
    await createUser(db, LEARNER);
    await createUser(db, INSTRUCTOR, 'instructor');

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'server.ts', '--dev'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: url,
        NEXTAUTH_SECRET: 'e2e-grading-secret-0123456789abcdef',
        NEXTAUTH_URL: base,
        KUBELAB_STATE_DIR: path.join(tmp, 'state'),
        KUBELAB_LESSONS_DIR: lesson.lessonsDir,
        KUBELAB_SANDBOX_DRIVER: 'local',
        KUBELAB_CLUSTER_TIMESCALE: '0.05',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    const until = Date.now() + 300_000;
    while (!/ready on/.test(log)) {
      if (server.exitCode !== null || Date.now() > until) throw new Error(`server did not start:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await db?.$disconnect();
  }, 60_000);

  it('a learner solves the lesson in the terminal, Check passes every check, the dashboard shows it', async () => {
    const learner = await browser!.newPage();
    await signIn(learner, LEARNER);
    await learner.goto(`${base}/lessons/${lesson.key}`, { timeout: 300_000 });
    const terminal = learner.locator('.xterm-helper-textarea');
    await terminal.waitFor({ state: 'attached', timeout: 300_000 });
    // The shell is ready when the prompt appears in the terminal.
    await learner.waitForFunction(() => /\$\s*$/m.test(document.querySelector('.xterm-rows')?.textContent ?? ''), undefined, { timeout: 180_000 });

    for (const exercise of lesson.exercises) {
      await terminal.focus();
      for (const command of exercise.solution) {
        await learner.keyboard.type(command, { delay: 5 });
        await learner.keyboard.press('Enter');
        await learner.waitForTimeout(1500);
      }
      const panel = learner.locator(`section.exercise-panel[data-exercise-id="${exercise.id}"]`);
      await panel.locator('button.exercise-check').click();
      await panel.locator('.exercise-result-pass').waitFor({ timeout: 90_000 });
      const checks = panel.locator('.exercise-result-checks li[data-check-id]');
      expect(await checks.count()).toBe(exercise.checkCount);
      expect(await panel.locator('.exercise-result-checks li[data-passed="false"]').count()).toBe(0);
    }

    const instructor = await (await browser!.newContext()).newPage();
    await signIn(instructor, INSTRUCTOR);
    await instructor.goto(`${base}/instructor?lesson=${encodeURIComponent(lesson.key)}`, { timeout: 300_000 });
    for (const exercise of lesson.exercises) {
      const row = instructor.locator(`tr[data-learner="${LEARNER.email}"][data-exercise="${exercise.id}"]`);
      await row.waitFor({ timeout: 60_000 });
      expect(await row.getAttribute('data-status')).toBe('passed');
    }
  }, 900_000);
});
