// Sandbox lifecycle on the docker driver: idle expiry frees the container (work kept), the maximum
// lifetime warns in the terminal and then stops, caps answer with a place in line, and the warm
// pool hands out a pre-started sandbox.
import { SandboxError } from '@/sandbox/driver';
import { SandboxManager, sandboxIdFor } from '@/sandbox/manager';
import { describeDocker, dockerCli, ensureTestImages, expectOk, testDriver, uniqueId, waitFor } from './helpers';

jest.setTimeout(20 * 60_000);

const runningNames = () => dockerCli(['ps', '--format', '{{.Names}}']).split('\n');

describeDocker('docker driver: lifecycle', () => {
  beforeAll(async () => {
    await ensureTestImages();
  });

  it('idle expiry stops the container and frees its memory; the next start resumes the work', async () => {
    const driver = testDriver();
    const manager = new SandboxManager(driver, { idleTimeoutMs: 60_000 });
    const user = uniqueId('idle-user');
    const id = sandboxIdFor(user);
    try {
      const info = await manager.ensure(user, 'docker');
      expect(info.state).toBe('running');
      expectOk(await driver.exec(id, 'echo saved > ~/work.txt'), 'write');
      expect(await manager.stopIdle(Date.now() + 30_000)).toEqual([]);
      expect(await manager.stopIdle(Date.now() + 61_000)).toContain(id);
      expect(runningNames()).not.toContain(`kubelab-sbx-${id}`);
      expect(dockerCli(['network', 'ls', '-q', '--filter', `name=kubelab-sbx-${id}`])).toBe('');
      await manager.ensure(user, 'docker');
      expect(expectOk(await driver.exec(id, 'cat ~/work.txt'), 'read').stdout).toBe('saved\n');
    } finally {
      await manager.shutdown();
      await driver.reset(id);
      await driver.close();
    }
  });

  it('warns in open terminals before the maximum lifetime, can be extended, and stops when it is reached', async () => {
    const driver = testDriver({ settings: { maxLifetimeMs: 60 * 60_000 } });
    const id = uniqueId('life');
    try {
      await driver.create({ id, userId: 'learner-life', profile: 'docker' });
      const pty = await driver.attach(id, { cols: 120, rows: 30 });
      let output = '';
      pty.onData((d) => (output += d));
      pty.write('echo shell-ready\r');
      await waitFor('the shell', async () => output.includes('shell-ready'));
      const now = Date.now();
      expect(await driver.housekeeping(now + 56 * 60_000)).toEqual([]);
      await waitFor('the warning in the terminal', async () => /stops in \d+ minute/.test(output));
      const until = await driver.extend(id, 30 * 60_000);
      expect(until.getTime()).toBeGreaterThan(now + 60 * 60_000);
      expect(await driver.housekeeping(now + 61 * 60_000)).toEqual([]);
      expect(await driver.housekeeping(now + 2 * 60 * 60_000)).toEqual([id]);
      expect((await driver.status(id))?.state).toBe('stopped');
    } finally {
      await driver.reset(id);
      await driver.close();
    }
  });

  it('over the global cap, a learner is told their place in line, and gets in when a sandbox frees up', async () => {
    const running = dockerCli(['ps', '-q', '--filter', 'label=io.kubelab.sandbox', '--filter', 'name=kubelab-sbx-']).split('\n').filter(Boolean).length;
    const driver = testDriver({ settings: { maxSandboxes: running + 1 } });
    const [first, second, third] = [uniqueId('cap1'), uniqueId('cap2'), uniqueId('cap3')];
    try {
      expect((await driver.create({ id: first, userId: 'cap-a', profile: 'docker' })).state).toBe('running');
      await expect(driver.create({ id: second, userId: 'cap-b', profile: 'docker' })).rejects.toThrow(/You are number 1 in line/);
      await expect(driver.create({ id: third, userId: 'cap-c', profile: 'docker' })).rejects.toThrow(/You are number 2 in line/);
      const err = await driver.create({ id: second, userId: 'cap-b', profile: 'docker' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SandboxError);
      expect((err as SandboxError).code).toBe('busy');
      await driver.stop(first);
      // The first in line gets the free slot; the second is still waiting.
      await expect(driver.create({ id: third, userId: 'cap-c', profile: 'docker' })).rejects.toThrow(/number 2 in line/);
      expect((await driver.create({ id: second, userId: 'cap-b', profile: 'docker' })).state).toBe('running');
    } finally {
      for (const id of [first, second, third]) await driver.reset(id).catch(() => undefined);
      await driver.close();
    }
  });

  it('caps sandboxes per learner', async () => {
    const driver = testDriver({ settings: { maxPerUser: 1 } });
    const [one, two] = [uniqueId('pu1'), uniqueId('pu2')];
    try {
      await driver.create({ id: one, userId: 'same-learner', profile: 'docker' });
      await expect(driver.create({ id: two, userId: 'same-learner', profile: 'docker' })).rejects.toThrow(/already have 1 sandboxes running/);
    } finally {
      for (const id of [one, two]) await driver.reset(id).catch(() => undefined);
      await driver.close();
    }
  });

  it('hands out a pre-started sandbox from the warm pool and refills the pool', async () => {
    const driver = testDriver({ settings: { warmPool: 1 } });
    const id = uniqueId('warm');
    const pool = () => dockerCli(['ps', '--format', '{{.Names}}', '--filter', 'name=kubelab-pool-']).split('\n').filter(Boolean);
    const before = pool().length;
    try {
      await driver.fillPool();
      expect(pool().length).toBeGreaterThanOrEqual(1);
      const started = Date.now();
      const info = await driver.create({ id, userId: 'warm-learner', profile: 'docker' });
      const took = Date.now() - started;
      expect(info).toMatchObject({ state: 'running', profile: 'full' });
      console.log(`warm start took ${took} ms`);
      expect(runningNames()).toContain(`kubelab-sbx-${id}`);
      expect(expectOk(await driver.exec(id, 'docker info --format {{.ServerVersion}}'), 'docker info').stdout).toMatch(/\d+\.\d+/);
      await waitFor('the pool to refill', async () => pool().length >= Math.max(1, before), 180_000);
    } finally {
      await driver.reset(id);
      await driver.close();
      for (const name of pool()) {
        const slot = name;
        dockerCli(['rm', '-f', name]);
        for (const v of ['docker', 'home', 'cluster']) dockerCli(['volume', 'rm', '-f', `${slot}-${v}`]);
        try {
          dockerCli(['network', 'disconnect', '-f', slot, 'kubelab-mirror']);
          dockerCli(['network', 'rm', slot]);
        } catch {
          /* already gone */
        }
      }
    }
  });
});
