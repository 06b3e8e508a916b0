// Takes the README screenshots from the real product: production server (server.ts), the real
// lessons, a local sandbox, Debian chromium through playwright-core.
// Usage: npx tsx tests/e2e/platform-screenshots.ts [outDir=docs/screenshots]
// Needs a current production build (`npx next build`).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { chromium, type Page } from 'playwright-core';
import { createUser } from '../../lib/auth/users';
import { createDb } from '../../lib/db';
import { prepareDatabase } from '../../lib/db/prepare';
import { LANGUAGE_COOKIE } from '../../lib/i18n/negotiate';
import { buildIsStale } from '../../scripts/cli/commands/start';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/browser-harness';
import { startPlatformServer } from '../support/platform-server';

const root = path.join(__dirname, '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'screenshots'));
const LESSON = '/lessons/kubernetes/architecture';

async function typeInTerminal(page: Page, command: string, expect: RegExp): Promise<void> {
  const input = page.locator('.xterm-helper-textarea');
  await input.waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForFunction(() => /[$#]\s*$/m.test(Array.from(document.querySelectorAll('.xterm-rows > div'), (r) => r.textContent ?? '').join('\n')), undefined, { timeout: 120_000 });
  await input.focus();
  await page.keyboard.type(command, { delay: 5 });
  await page.keyboard.press('Enter');
  await page.waitForFunction((source) => new RegExp(source, 'm').test(Array.from(document.querySelectorAll('.xterm-rows > div'), (r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n')), expect.source, { timeout: 120_000 });
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) throw new Error('no production build: run `npx next build` first');
  if (buildIsStale()) console.warn('note: sources are newer than the production build; the screenshots show the build');
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubelab-screenshots-'));
  const url = `file:${path.join(tmp, 'shots.db')}`;
  await prepareDatabase(() => undefined, url);
  const db = createDb(url);
  const user = await createUser(db, { name: 'Ada Learner', email: 'ada@example.com', password: 'screenshot-password-1' });
  await db.$disconnect();
  const secret = 'screenshots-secret-0123456789abcdef';
  const token = await encode({ token: { uid: user.id, role: user.role, email: user.email, name: user.name }, secret });
  const server = await startPlatformServer({ DATABASE_URL: url, NEXTAUTH_SECRET: secret, KUBELAB_STATE_DIR: path.join(tmp, 'state'), KUBELAB_SANDBOX_DRIVER: 'local', KUBELAB_CLUSTER_TIMESCALE: '0.05' });
  const { base } = server;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    for (const lang of ['en', 'ko'] as const) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
      await context.addCookies([
        { name: 'next-auth.session-token', value: token, url: base },
        { name: LANGUAGE_COOKIE, value: lang, url: base },
      ]);
      const page = await context.newPage();
      await page.goto(base);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(outDir, `catalog-${lang}.png`) });
      await page.goto(base + LESSON);
      await page.locator('#lesson-title').waitFor({ timeout: 60_000 });
      await typeInTerminal(page, 'kubectl get nodes', /w3-k8s/);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(outDir, `lesson-${lang}.png`) });
      await context.close();
      console.log(`wrote ${path.join(outDir, `catalog-${lang}.png`)} and lesson-${lang}.png`);
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
