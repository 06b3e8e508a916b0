// /api/sandbox, /api/sandbox/extend and /api/sandbox/reset: a learner sees and changes only their
// own sandbox; every refusal (no session, CSRF, bad input, someone else's sandbox, no sandbox,
// not running, driver without reset) has its status and reason.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser, type SessionUser } from '@/lib/auth/users';
import { SandboxManager, sandboxIdFor } from '@/sandbox/manager';
import { FakeLifetimeDriver } from './fake-driver';

const SECRET = 'sandbox-api-test-secret-0123456789';
const ORIGIN = 'http://127.0.0.1:3000';
const HOUR = 60 * 60_000;

let db: Db;
let lea: SessionUser;
let bob: SessionUser;
let driver: FakeLifetimeDriver;
let routes: {
  status: typeof import('@/app/api/sandbox/route');
  extend: typeof import('@/app/api/sandbox/extend/route');
  reset: typeof import('@/app/api/sandbox/reset/route');
};

function useManager(d: FakeLifetimeDriver, idleTimeoutMs = HOUR): SandboxManager {
  const manager = new SandboxManager(d, { idleTimeoutMs });
  Object.assign(globalThis, { kubelabSandboxes: manager });
  return manager;
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-sandbox-api-'));
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.KUBELAB_STATE_DIR = dir;
  const url = `file:${path.join(dir, 'api.db')}`;
  await prepareDatabase(() => undefined, url);
  db = createDb(url);
  Object.assign(globalThis, { kubelabDb: db });
  lea = await createUser(db, { email: 'lea@example.com', password: 'longenough', name: 'Lea' });
  bob = await createUser(db, { email: 'bob@example.com', password: 'longenough', name: 'Bob' });
  routes = {
    status: await import('@/app/api/sandbox/route'),
    extend: await import('@/app/api/sandbox/extend/route'),
    reset: await import('@/app/api/sandbox/reset/route'),
  };
}, 120_000);

afterAll(async () => {
  await db.$disconnect();
});

beforeEach(() => {
  driver = new FakeLifetimeDriver(2 * HOUR);
  useManager(driver);
});

async function request(pathAndQuery: string, opts: { user?: SessionUser; body?: unknown; rawBody?: string; csrf?: boolean } = {}): Promise<Request> {
  const headers: Record<string, string> = { 'content-type': 'application/json', host: '127.0.0.1:3000' };
  if (opts.user) headers.cookie = `next-auth.session-token=${await encode({ token: { uid: opts.user.id, role: opts.user.role }, secret: SECRET })}`;
  const hasBody = opts.body !== undefined || opts.rawBody !== undefined;
  if (opts.csrf !== false && hasBody) Object.assign(headers, { 'x-kubelab-request': '1', origin: ORIGIN });
  return new Request(ORIGIN + pathAndQuery, { method: hasBody ? 'POST' : 'GET', headers, body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
}

async function expectError(res: Response, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

describe('GET /api/sandbox', () => {
  it('needs a session', async () => {
    await expectError(await routes.status.GET(await request('/api/sandbox')), 401, 'unauthenticated');
  });

  it('says there is no sandbox yet', async () => {
    const res = await routes.status.GET(await request('/api/sandbox', { user: lea }));
    expect(res.status).toBe(200);
    expect((await res.json()).sandbox).toBeNull();
  });

  it('shows the caller\'s running sandbox with when it stops and why', async () => {
    await driver.create({ id: sandboxIdFor(lea.id), userId: lea.id, profile: 'docker' });
    const res = await routes.status.GET(await request('/api/sandbox', { user: lea }));
    expect(res.status).toBe(200);
    const body = await res.json();
    const now = Date.parse(body.now);
    expect(body.sandbox).toMatchObject({ id: sandboxIdFor(lea.id), state: 'running', profile: 'docker', warningMs: 5 * 60_000, canExtend: true, canReset: true });
    // Idle (1 h) comes before the lifetime (2 h) here, so it is the stop that counts.
    expect(Date.parse(body.sandbox.expiresAt) - now).toBeGreaterThan(2 * HOUR - 60_000);
    expect(body.sandbox.stopReason).toBe('idle');
    expect(body.sandbox.stopsAt).toBe(body.sandbox.idleStopsAt);
  });

  it('refuses to show another learner\'s sandbox', async () => {
    await driver.create({ id: sandboxIdFor(bob.id), userId: bob.id, profile: 'docker' });
    await expectError(await routes.status.GET(await request(`/api/sandbox?id=${sandboxIdFor(bob.id)}`, { user: lea })), 403, 'forbidden', /another learner/);
    // Naming one's own sandbox is fine.
    expect((await routes.status.GET(await request(`/api/sandbox?id=${sandboxIdFor(lea.id)}`, { user: lea }))).status).toBe(200);
  });

  it('rejects a malformed id with 400', async () => {
    await expectError(await routes.status.GET(await request('/api/sandbox?id=../../etc', { user: lea })), 400, 'invalid', /^id: /);
  });

  it('refuses a record that names another owner', async () => {
    // Cannot happen with derived ids unless the records are tampered with; must still not leak.
    await driver.create({ id: sandboxIdFor(lea.id), userId: bob.id, profile: 'docker' });
    await expectError(await routes.status.GET(await request('/api/sandbox', { user: lea })), 403, 'forbidden');
  });
});

describe('POST /api/sandbox/extend', () => {
  it('tops the time left up to the requested minutes and restarts the idle clock', async () => {
    const id = sandboxIdFor(lea.id);
    await driver.create({ id, userId: lea.id, profile: 'docker' });
    // 10 minutes left on the lifetime.
    driver.sandboxes.get(id)!.info.expiresAt = new Date(Date.now() + 10 * 60_000);
    const res = await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: { minutes: 90 } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    const left = Date.parse(body.sandbox.expiresAt) - Date.parse(body.now);
    expect(left).toBeGreaterThan(89 * 60_000);
    expect(left).toBeLessThanOrEqual(90 * 60_000 + 1000);
    expect(Date.parse(body.sandbox.idleStopsAt) - Date.parse(body.now)).toBeGreaterThan(HOUR - 60_000);

    // Asking again does not pile time up.
    const again = await (await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: { minutes: 60 } }))).json();
    expect(again.sandbox.expiresAt).toBe(body.sandbox.expiresAt);
  });

  it('defaults to 60 minutes', async () => {
    const id = sandboxIdFor(lea.id);
    await driver.create({ id, userId: lea.id, profile: 'docker' });
    driver.sandboxes.get(id)!.info.expiresAt = new Date(Date.now() + 60_000);
    const body = await (await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: {} }))).json();
    expect(Date.parse(body.sandbox.expiresAt) - Date.parse(body.now)).toBeGreaterThan(59 * 60_000);
  });

  it('rejects bad input with 400 and a reason', async () => {
    await driver.create({ id: sandboxIdFor(lea.id), userId: lea.id, profile: 'docker' });
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: { minutes: 'lots' } })), 400, 'invalid', /^minutes: /);
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: { minutes: 100000 } })), 400, 'invalid', /at most 120 minutes/);
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: { minutes: 30, forever: true } })), 400, 'invalid', /forever/);
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, rawBody: '{not json' })), 400, 'invalid', /not valid JSON/);
    // No body at all is fine (the defaults apply).
    expect((await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, rawBody: '' }))).status).toBe(200);
  });

  it('refuses another learner\'s sandbox and leaves it alone', async () => {
    const bobs = sandboxIdFor(bob.id);
    await driver.create({ id: bobs, userId: bob.id, profile: 'docker' });
    const before = driver.sandboxes.get(bobs)!.info.expiresAt!.getTime();
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: { id: bobs, minutes: 120 } })), 403, 'forbidden');
    expect(driver.sandboxes.get(bobs)!.info.expiresAt!.getTime()).toBe(before);
  });

  it('needs a session and passes the CSRF check', async () => {
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { body: {} })), 401, 'unauthenticated');
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: {}, csrf: false })), 403, 'csrf');
  });

  it('404 without a sandbox, 409 when it is stopped', async () => {
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: {} })), 404, 'not_found', /open a lesson/);
    await driver.create({ id: sandboxIdFor(lea.id), userId: lea.id, profile: 'docker' });
    await driver.stop(sandboxIdFor(lea.id));
    await expectError(await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: {} })), 409, 'not_running', /work is kept/);
  });

  it('on a driver without a lifetime, only restarts the idle clock', async () => {
    driver = new FakeLifetimeDriver(null);
    const manager = useManager(driver);
    await driver.create({ id: sandboxIdFor(lea.id), userId: lea.id, profile: 'docker' });
    const res = await routes.extend.POST(await request('/api/sandbox/extend', { user: lea, body: {} }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.sandbox.expiresAt).toBeUndefined();
    expect(body.sandbox).toMatchObject({ stopReason: 'idle', canReset: false });
    expect(manager.canReset).toBe(false);
  });
});

describe('POST /api/sandbox/reset', () => {
  it('discards the caller\'s kept work; the next start is fresh', async () => {
    const id = sandboxIdFor(lea.id);
    await driver.create({ id, userId: lea.id, profile: 'docker' });
    await driver.exec(id, 'docker build -t mine .');
    await driver.stop(id);
    expect(driver.sandboxes.get(id)!.files).toHaveLength(1); // a stop keeps the work
    const res = await routes.reset.POST(await request('/api/sandbox/reset', { user: lea, body: { confirm: true } }));
    expect(res.status).toBe(200);
    expect((await res.json()).sandbox).toBeNull();
    await driver.create({ id, userId: lea.id, profile: 'docker' });
    expect(driver.sandboxes.get(id)!.files).toHaveLength(0);
  });

  it('needs an explicit confirmation', async () => {
    await driver.create({ id: sandboxIdFor(lea.id), userId: lea.id, profile: 'docker' });
    await expectError(await routes.reset.POST(await request('/api/sandbox/reset', { user: lea, body: {} })), 400, 'invalid', /confirm must be true/);
    await expectError(await routes.reset.POST(await request('/api/sandbox/reset', { user: lea, body: { confirm: 'yes' } })), 400, 'invalid', /confirm/);
    expect(driver.sandboxes.has(sandboxIdFor(lea.id))).toBe(true);
  });

  it('refuses another learner\'s sandbox', async () => {
    const bobs = sandboxIdFor(bob.id);
    await driver.create({ id: bobs, userId: bob.id, profile: 'docker' });
    await expectError(await routes.reset.POST(await request('/api/sandbox/reset', { user: lea, body: { id: bobs, confirm: true } })), 403, 'forbidden');
    expect(driver.sandboxes.get(bobs)!.info.state).toBe('running');
  });

  it('404 without a sandbox; 409 where the driver keeps nothing to reset', async () => {
    await expectError(await routes.reset.POST(await request('/api/sandbox/reset', { user: lea, body: { confirm: true } })), 404, 'not_found');
    driver = new FakeLifetimeDriver(null);
    useManager(driver);
    await driver.create({ id: sandboxIdFor(lea.id), userId: lea.id, profile: 'docker' });
    await expectError(await routes.reset.POST(await request('/api/sandbox/reset', { user: lea, body: { confirm: true } })), 409, 'not_resettable', /keeps no work/);
  });
});
