// Browser end to end on the real product: the production build served by server.ts, the real
// lessons, a local sandbox with its own mini-cluster, Debian chromium through playwright-core.
// A learner signs up, opens the first Kubernetes lesson, uses the terminal, reloads (the session
// and its output survive), solves the first exercise by typing in xterm, presses Check and sees
// every check pass; the instructor dashboard then shows the submission.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUser } from '@/lib/auth/users';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { loadLesson } from '@/lib/lessons';
import { buildIsStale } from '@/scripts/cli/commands/start';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/browser-harness';
import { startPlatformServer, type PlatformServer } from '../support/platform-server';

const root = path.join(__dirname, '..', '..');
const LESSON = { track: 'kubernetes', slug: 'architecture' };
const LEARNER = { name: 'Ada Learner', email: 'e2e-ada@example.com', password: 'learner-password-1' };
const INSTRUCTOR = { email: 'e2e-teacher@example.com', password: 'teacher-password-1' };

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
if (!haveChromium) console.warn(`skipping the browser test: ${CHROMIUM} is not installed (apt-get install chromium)`);

let server: PlatformServer | undefined;
let browser: Browser | undefined;
let db: Db | undefined;
let base = '';

/** The terminal's visible rows, one line each (xterm's DOM renderer draws a div per row). */
const ROWS = () => Array.from(document.querySelectorAll('.xterm-rows > div'), (row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
const screenText = (page: Page) => page.evaluate(ROWS);

async function waitForScreen(page: Page, pattern: RegExp, what: string, timeout = 120_000): Promise<void> {
  try {
    await page.waitForFunction(
      (source) => new RegExp(source, 'm').test(Array.from(document.querySelectorAll('.xterm-rows > div'), (row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n')),
      pattern.source,
      { timeout },
    );
  } catch (err) {
    throw new Error(`terminal never showed ${what}; screen:\n${await screenText(page)}\n--- server log tail:\n${server?.log().slice(-2000)}`, { cause: err });
  }
}

(haveChromium ? describe : describe.skip)('the platform in a browser', () => {
  beforeAll(async () => {
    if (buildIsStale()) {
      const built = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], { cwd: root, encoding: 'utf8', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
      if (built.status !== 0) throw new Error(`next build failed:\n${(built.stdout + built.stderr).slice(-4000)}`);
    }
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubelab-e2e-platform-'));
    const url = `file:${path.join(tmp, 'e2e.db')}`;
    await prepareDatabase(() => undefined, url);
    db = createDb(url);
    await createUser(db, INSTRUCTOR, 'instructor');

    server = await startPlatformServer({
      DATABASE_URL: url,
      NEXTAUTH_SECRET: 'e2e-platform-secret-0123456789abcdef',
      KUBELAB_STATE_DIR: path.join(tmp, 'state'),
      KUBELAB_SANDBOX_DRIVER: 'local',
      KUBELAB_CLUSTER_TIMESCALE: '0.05',
      KUBELAB_LESSONS_DIR: path.join(root, 'lessons'),
    });
    base = server.base;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.$disconnect();
  }, 60_000);

  it('sign up, terminal survives a reload, Check passes, the dashboard shows it', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();

    // The catalog shows both tracks.
    await page.goto(base);
    expect(await page.locator('h2', { hasText: 'Docker' }).count()).toBeGreaterThan(0);
    expect(await page.locator('h2', { hasText: 'Kubernetes' }).count()).toBeGreaterThan(0);

    // Sign up through the form.
    await page.goto(`${base}/signup?callbackUrl=${encodeURIComponent(`/lessons/${LESSON.track}/${LESSON.slug}`)}`);
    await page.fill('input[name="name"]', LEARNER.name);
    await page.fill('input[name="email"]', LEARNER.email);
    await page.fill('input[name="password"]', LEARNER.password);
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/lessons/'), { timeout: 120_000 }), page.click('button[type="submit"]')]);

    // The lesson renders, with its terminal; the shell prompt appears.
    await page.locator('#lesson-title').waitFor({ timeout: 60_000 });
    const terminal = page.locator('.xterm-helper-textarea');
    await terminal.waitFor({ state: 'attached', timeout: 60_000 });
    await waitForScreen(page, /learner@kubelab:.*[$#]\s*$/, 'the prompt');
    await terminal.focus();
    await page.keyboard.type('echo hel""lo', { delay: 10 });
    await page.keyboard.press('Enter');
    await waitForScreen(page, /^hello\s*$/, '"hello" on a line of its own', 30_000);

    // Reload: the same shell, with its recent output replayed.
    await page.reload();
    await page.locator('.xterm-helper-textarea').waitFor({ state: 'attached', timeout: 60_000 });
    await waitForScreen(page, /echo hel""lo/, 'the replayed command after a reload', 60_000);
    await waitForScreen(page, /^hello\s*$/, 'the replayed output after a reload', 60_000);

    // Solve the first exercise by typing its solution, then Check.
    const lesson = await loadLesson(LESSON.track, LESSON.slug, 'en');
    if (!lesson.ok) throw new Error(`lesson ${LESSON.track}/${LESSON.slug} does not load`);
    const exercise = lesson.lesson.exercises[0];
    await page.locator('.xterm-helper-textarea').focus();
    for (const command of exercise.solution) {
      await page.keyboard.type(command, { delay: 5 });
      await page.keyboard.press('Enter');
    }
    const panel = page.locator(`section.exercise-panel[data-exercise-id="${exercise.id}"]`);
    const passed = panel.locator('.exercise-result-pass');
    const deadline = Date.now() + 120_000;
    // Grading reads the cluster as it is: retry Check until the deployment has converged.
    while (!(await passed.isVisible())) {
      if (Date.now() > deadline) throw new Error(`Check never passed; panel says:\n${await panel.innerText()}`);
      await panel.locator('button.exercise-check').click();
      await page.waitForTimeout(3000);
    }
    expect(await panel.locator('.exercise-result-checks li[data-passed="false"]').count()).toBe(0);
    expect(await panel.locator('.exercise-result-checks li[data-check-id]').count()).toBe(exercise.checkCount);

    // The instructor sees the submission.
    const teacher = await (await browser!.newContext()).newPage();
    await teacher.goto(`${base}/signin`);
    await teacher.fill('input[name="email"]', INSTRUCTOR.email);
    await teacher.fill('input[name="password"]', INSTRUCTOR.password);
    await Promise.all([teacher.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 60_000 }), teacher.click('button[type="submit"]')]);
    await teacher.goto(`${base}/instructor?lesson=${encodeURIComponent(lesson.lesson.key)}`);
    const row = teacher.locator(`tr[data-learner="${LEARNER.email}"][data-exercise="${exercise.id}"]`);
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('data-status')).toBe('passed');
  }, 900_000);
});
