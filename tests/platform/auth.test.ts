import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { createDb, type Db } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { createUser, DuplicateEmailError, ensureBootstrapAdmin, verifyCredentials } from '@/lib/auth/users';
import { loadConfig } from '@/lib/config';
import { csrfProblem } from '@/lib/security/csrf';
import { RateLimiter } from '@/lib/security/rate-limit';

let db: Db;
beforeAll(async () => {
  const url = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'kubelab-auth-')), 'auth.db')}`;
  await prepareDatabase(() => undefined, url);
  db = createDb(url);
}, 60_000);
afterAll(() => db.$disconnect());

describe('accounts', () => {
  it('hashes passwords and checks credentials', async () => {
    const user = await createUser(db, { email: 'Ada@Example.com ', password: 'correct horse', name: 'Ada' });
    expect(user).toMatchObject({ email: 'ada@example.com', role: 'learner' });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(row.passwordHash).not.toContain('correct horse');
    expect(await verifyCredentials(db, 'ada@example.com', 'correct horse')).toMatchObject({ id: user.id });
    expect(await verifyCredentials(db, 'ada@example.com', 'wrong password')).toBeNull();
    expect(await verifyCredentials(db, 'nobody@example.com', 'correct horse')).toBeNull();
  });

  it('refuses duplicates and weak input with reasons', async () => {
    await createUser(db, { email: 'dup@example.com', password: 'longenough' });
    await expect(createUser(db, { email: 'DUP@example.com', password: 'longenough' })).rejects.toBeInstanceOf(DuplicateEmailError);
    await expect(createUser(db, { email: 'not-an-email', password: 'longenough' })).rejects.toThrow('enter a valid email address');
    await expect(createUser(db, { email: 'short@example.com', password: 'short' })).rejects.toThrow('at least 8 characters');
  });

  it('creates the bootstrap admin once', async () => {
    expect(await ensureBootstrapAdmin(db, { email: 'root@example.com', password: 'supersecret' })).toBe(true);
    expect(await ensureBootstrapAdmin(db, { email: 'other@example.com', password: 'supersecret' })).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { email: 'root@example.com' } })).role).toBe('admin');
  });
});

describe('session cookies', () => {
  it('reads the user from a next-auth JWT cookie and rejects forged ones', async () => {
    const secret = 'test-secret-test-secret-123456';
    const user = await createUser(db, { email: 'cookie@example.com', password: 'longenough' });
    const { getUserFromCookieHeader } = await import('@/lib/auth/session');
    const token = await encode({ token: { uid: user.id, role: 'learner' }, secret });
    // getUserFromCookieHeader reads the process-wide db; point it at ours through the global cache.
    (globalThis as unknown as { kubelabDb: Db }).kubelabDb = db;
    expect(await getUserFromCookieHeader(`other=1; next-auth.session-token=${token}`, secret)).toMatchObject({ id: user.id, email: 'cookie@example.com' });
    expect(await getUserFromCookieHeader(`next-auth.session-token=${token}`, 'another-secret-another-secret')).toBeNull();
    expect(await getUserFromCookieHeader('next-auth.session-token=garbage', secret)).toBeNull();
    expect(await getUserFromCookieHeader(undefined, secret)).toBeNull();
  });
});

describe('security helpers', () => {
  it('rate limits per key within a window', () => {
    let now = 0;
    const limiter = new RateLimiter(5, 60_000, () => now);
    for (let i = 0; i < 5; i++) expect(limiter.take('login:ip:a').allowed).toBe(true);
    const sixth = limiter.take('login:ip:a');
    expect(sixth).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.take('login:ip:b').allowed).toBe(true);
    now = 60_001;
    expect(limiter.take('login:ip:a').allowed).toBe(true);
  });

  it('CSRF: needs our header and a same-origin request', () => {
    const origin = 'http://localhost:3000';
    const h = (o: Record<string, string>) => new Headers(o);
    expect(csrfProblem(h({ 'x-kubelab-request': '1', origin }), origin)).toBeUndefined();
    expect(csrfProblem(h({ origin }), origin)).toBe('missing x-kubelab-request header');
    expect(csrfProblem(h({ 'x-kubelab-request': '1', origin: 'http://evil.test' }), origin)).toBe('origin http://evil.test is not http://localhost:3000');
    expect(csrfProblem(h({ 'x-kubelab-request': '1', 'sec-fetch-site': 'cross-site' }), origin)).toBe('cross-site request (cross-site)');
  });

  it('config: loopback by default with the local driver, clear errors otherwise', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-cfg-'));
    const c = loadConfig({ KUBELAB_STATE_DIR: dir });
    expect(c.host).toBe('127.0.0.1');
    expect(c.secret).toHaveLength(43);
    expect(loadConfig({ KUBELAB_STATE_DIR: dir }).secret).toBe(c.secret);
    expect(() => loadConfig({ KUBELAB_STATE_DIR: dir, HOST: '0.0.0.0' })).toThrow('set KUBELAB_ALLOW_REMOTE=1');
    expect(loadConfig({ KUBELAB_STATE_DIR: dir, HOST: '0.0.0.0', KUBELAB_ALLOW_REMOTE: '1' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ KUBELAB_STATE_DIR: dir, PORT: 'abc' })).toThrow('PORT');
    expect(() => loadConfig({ KUBELAB_STATE_DIR: dir, GITHUB_ID: 'x' })).toThrow('GITHUB_ID and GITHUB_SECRET must be set together');
  });
});
