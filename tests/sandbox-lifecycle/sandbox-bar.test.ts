// The sandbox bar in a real browser (chromium via playwright-core, no Next build): the bundled
// component talks to the real /api/sandbox route handlers, whose manager drives an in-memory
// driver with a lifetime. Time left, the warning, Extend, Start after a stop, Reset with its
// confirmation, and the Korean texts.
import http from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser, type SessionUser } from '@/lib/auth/users';
import { SANDBOX_CHANGED_EVENT } from '@/app/components/terminal/events';
import { SandboxManager, sandboxIdFor } from '@/sandbox/manager';
import { bundleHarness, CHROMIUM, CHROMIUM_ARGS, send, toRequest } from '../support/browser-harness';
import { FakeLifetimeDriver } from './fake-driver';

const SECRET = 'sandbox-bar-secret-0123456789abcdef';
const MIN = 60_000;

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing`);

let db: Db;
let driver: FakeLifetimeDriver;
let server: http.Server;
let browser: Browser;
let base = '';
let learner: SessionUser;

(haveChromium ? describe : describe.skip)('sandbox bar in a browser', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-sandbox-bar-'));
    Object.assign(process.env, { NEXTAUTH_SECRET: SECRET, KUBELAB_STATE_DIR: dir });
    const url = `file:${path.join(dir, 'bar.db')}`;
    await prepareDatabase(() => undefined, url);
    db = createDb(url);
    driver = new FakeLifetimeDriver(2 * 60 * MIN);
    Object.assign(globalThis, { kubelabDb: db, kubelabSandboxes: new SandboxManager(driver, { idleTimeoutMs: 3 * 60 * MIN }) });
    learner = await createUser(db, { email: 'bar-learner@example.com', password: 'longenough' });

    const assets = await bundleHarness(path.join(__dirname, 'bar-harness', 'entry.tsx'));
    const routes = {
      'GET /api/sandbox': (await import('@/app/api/sandbox/route')).GET,
      'POST /api/sandbox/extend': (await import('@/app/api/sandbox/extend/route')).POST,
      'POST /api/sandbox/reset': (await import('@/app/api/sandbox/reset/route')).POST,
    } as Record<string, (req: Request) => Promise<Response>>;

    server = http.createServer((req, res) => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const route = routes[`${req.method} ${u.pathname}`];
        if (route) {
          return send(res, await route(await toRequest(req, base)));
        }
        if (u.pathname === '/bundle.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(assets.js);
        if (u.pathname === '/bundle.css') return res.writeHead(200, { 'content-type': 'text/css' }).end(assets.css);
        if (u.pathname === '/lesson') {
          const lang = u.searchParams.get('lang') === 'ko' ? 'ko' : 'en';
          return res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
            .end(`<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/bundle.css"></head><body><div id="root"></div><script>window.__LANG__=${JSON.stringify(lang)}</script><script src="/bundle.js"></script></body></html>`);
        }
        res.writeHead(404).end();
      })().catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await db?.$disconnect();
  }, 60_000);

  async function open(lang = 'en'): Promise<Page> {
    const context = await browser.newContext();
    const token = await encode({ token: { uid: learner.id, role: learner.role }, secret: SECRET });
    await context.addCookies([{ name: 'next-auth.session-token', value: token, url: base }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/lesson?lang=${lang}`);
    page.on('close', () => expect(errors).toEqual([]));
    return page;
  }
  const refresh = (page: Page) => page.evaluate((name) => window.dispatchEvent(new Event(name)), SANDBOX_CHANGED_EVENT);
  const id = () => sandboxIdFor(learner.id);

  it('shows the time left, warns near the end, and Extend buys time', async () => {
    await driver.create({ id: id(), userId: learner.id, profile: 'docker' });
    const page = await open();
    const timeLeft = page.getByTestId('sandbox-time-left');
    await timeLeft.waitFor();
    expect(await timeLeft.textContent()).toBe('Time left 02:00');
    expect(await page.getByRole('alert').count()).toBe(0);

    // Four minutes left: a visible warning, counting seconds.
    driver.sandboxes.get(id())!.info.expiresAt = new Date(Date.now() + 4 * MIN);
    await refresh(page);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Your sandbox stops in [34]:\d\d\. Extend it to keep working/);
    expect(await timeLeft.textContent()).toMatch(/^Time left 00:0[45]$/);
    expect(await page.getByTestId('sandbox-bar').getAttribute('class')).toContain('sandbox-bar-warning');

    await page.getByRole('button', { name: 'Extend' }).click();
    await page.getByText('Extended: 01:00 left').waitFor();
    expect(await timeLeft.textContent()).toBe('Time left 01:00');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(driver.sandboxes.get(id())!.info.expiresAt!.getTime() - Date.now()).toBeGreaterThan(59 * MIN);
    await page.close();
  });

  it('after a stop offers Start, which reconnects the terminal', async () => {
    await driver.create({ id: id(), userId: learner.id, profile: 'docker' });
    await driver.stop(id());
    const page = await open();
    await page.getByText('Your sandbox is stopped. Your work is kept.').waitFor();
    expect(await page.getByRole('button', { name: 'Extend' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Start' }).click();
    expect(await page.evaluate(() => window.__RESTARTS__)).toBe(1);
    await page.close();
  });

  it('Reset asks first, then discards the work and restarts the terminal', async () => {
    await driver.create({ id: id(), userId: learner.id, profile: 'docker' });
    await driver.exec(id(), 'touch ~/work');
    const page = await open();
    await page.getByRole('button', { name: 'Reset sandbox' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/is deleted and it starts fresh\. This cannot be undone\./);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(driver.sandboxes.has(id())).toBe(true);

    await page.getByRole('button', { name: 'Reset sandbox' }).click();
    await page.getByRole('button', { name: 'Yes, delete my work and reset' }).click();
    await page.getByText('Your sandbox was reset; a fresh one is starting.').waitFor();
    expect(driver.sandboxes.has(id())).toBe(false);
    expect(await page.evaluate(() => window.__RESTARTS__)).toBe(1);
    await page.close();
  });

  it('speaks Korean', async () => {
    await driver.create({ id: id(), userId: learner.id, profile: 'docker' });
    const page = await open('ko');
    await page.getByText('남은 시간 02:00').waitFor();
    expect(await page.getByRole('button', { name: '연장' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '샌드박스 초기화' }).count()).toBe(1);
    await page.close();
  });
});
