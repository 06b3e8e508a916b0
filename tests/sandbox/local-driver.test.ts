import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalDriver } from '@/sandbox/drivers/local';
import { SandboxManager, combineProfiles, sandboxIdFor } from '@/sandbox/manager';
import { TerminalSession, type ServerMessage } from '@/sandbox/terminal/session';
import { ReplayBuffer } from '@/sandbox/terminal/replay-buffer';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-local-'));
const driver = new LocalDriver({ stateDir });
afterAll(async () => {
  for (const s of await driver.list()) await driver.stop(s.id);
});

function collector() {
  let text = '';
  const messages: ServerMessage[] = [];
  return {
    client: { send: (m: ServerMessage) => (messages.push(m), m.type === 'output' && (text += m.data)) },
    text: () => text,
    messages,
    async waitFor(pattern: RegExp, timeoutMs = 10_000) {
      const start = Date.now();
      while (!pattern.test(text)) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(text.slice(-400))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('local driver', () => {
  it('runs commands in an isolated home without the server environment', async () => {
    process.env.KUBELAB_TEST_SECRET = 'do-not-leak';
    const info = await driver.create({ id: 'iso', userId: 'u1', profile: 'none' });
    expect(info.state).toBe('running');
    const r = await driver.exec('iso', 'echo "$HOME"; pwd; echo "secret=${KUBELAB_TEST_SECRET:-none}"; echo out; echo err >&2; exit 3');
    expect(r.exitCode).toBe(3);
    const [home, cwd, secret, out] = r.stdout.trim().split('\n');
    expect(home).toBe(path.join(stateDir, 'sandboxes', 'iso', 'home'));
    expect(cwd).toBe(home);
    expect(secret).toBe('secret=none');
    expect(out).toBe('out');
    expect(r.stderr).toBe('err\n');
  });

  it('times out runaway commands', async () => {
    await driver.create({ id: 'slow', userId: 'u2', profile: 'none' });
    const r = await driver.exec('slow', 'sleep 5', { timeoutMs: 200 });
    expect(r.exitCode).toBe(124);
    expect(r.stderr).toContain('timed out after 200 ms');
  });

  it('gives a real pty; stop kills the shell', async () => {
    await driver.create({ id: 'pty', userId: 'u3', profile: 'none' });
    const shell = await driver.attach('pty', { cols: 100, rows: 30 });
    let out = '';
    shell.onData((d) => (out += d));
    const exited = new Promise<number>((resolve) => shell.onExit(resolve));
    shell.write('echo hello-$((6*7)); tty\r');
    for (let i = 0; i < 500 && !(/hello-42/.test(out) && /\/dev\/pts\/\d+/.test(out)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(out).toContain('hello-42');
    expect(out).toMatch(/\/dev\/pts\/\d+/);
    await driver.stop('pty');
    await exited;
    await expect(driver.exec('pty', 'true')).rejects.toThrow('sandbox pty is not running');
  });
});

describe('terminal session', () => {
  it('replays recent output to a reattaching client and shares one shell between clients', async () => {
    await driver.create({ id: 'shared', userId: 'u4', profile: 'none' });
    const session = new TerminalSession(driver, 'shared');
    const first = collector();
    await session.attach(first.client);
    session.write('echo pid=$$\r');
    await first.waitFor(/pid=\d+/);
    const pid = /pid=(\d+)/.exec(first.text())![1];
    session.detach(first.client);

    const second = collector();
    const third = collector();
    await session.attach(second.client);
    await session.attach(third.client);
    expect(second.text()).toContain(`pid=${pid}`);
    session.write('echo again=$$\r');
    await second.waitFor(new RegExp(`again=${pid}`));
    await third.waitFor(new RegExp(`again=${pid}`));
    expect(session.clientCount).toBe(2);
    session.dispose();
  });

  it('the replay buffer keeps only the most recent output', () => {
    const b = new ReplayBuffer(10);
    b.append('0123456789');
    b.append('abc');
    expect(b.contents()).toBe('3456789abc');
    b.append('x'.repeat(25));
    expect(b.contents()).toBe('x'.repeat(10));
  });
});

describe('sandbox manager', () => {
  it('one sandbox per user, upgraded to cover new profiles', async () => {
    const manager = new SandboxManager(new LocalDriver({ stateDir }));
    const a = await manager.ensure('learner-a', 'none');
    const again = await manager.ensure('learner-a', 'none');
    expect(again.id).toBe(a.id);
    expect(a.id).toBe(sandboxIdFor('learner-a'));
    expect(sandboxIdFor('learner-b')).not.toBe(a.id);
    expect(combineProfiles('docker', 'kubernetes')).toBe('full');
    expect(combineProfiles('none', 'docker')).toBe('docker');
    expect(combineProfiles('full', 'docker')).toBe('full');
    await manager.shutdown();
  });

  it('stops idle sandboxes', async () => {
    const manager = new SandboxManager(new LocalDriver({ stateDir }), { idleTimeoutMs: 1000 });
    const info = await manager.ensure('idle-user', 'none');
    expect(await manager.stopIdle(Date.now() + 5000)).toEqual([info.id]);
    expect((await manager.get('idle-user'))?.state).toBe('stopped');
    await manager.shutdown();
  });
});
