// What the lesson page's sandbox bar does, on real Docker sandboxes: time left from status, Extend
// through the manager, a stop keeps the work, Reset deletes the volumes so the next start is fresh.
import { SandboxManager, sandboxIdFor } from '@/sandbox/manager';
import { sandboxView } from '@/lib/sandboxes/view';
import { describeDocker, dockerCli, ensureTestImages, expectOk, testDriver, uniqueId } from './helpers';

jest.setTimeout(20 * 60_000);

const volumesOf = (id: string) => dockerCli(['volume', 'ls', '-q', '--filter', `name=kubelab-sbx-${id}-`]).split('\n').filter(Boolean).sort();

describeDocker('docker driver: learner controls', () => {
  beforeAll(async () => {
    await ensureTestImages();
  });

  it('time left, extend, stop keeps the work, reset discards it', async () => {
    const driver = testDriver({ settings: { maxLifetimeMs: 60 * 60_000 } });
    const manager = new SandboxManager(driver, { idleTimeoutMs: 30 * 60_000 });
    const user = uniqueId('controls');
    const id = sandboxIdFor(user);
    try {
      const started = Date.now();
      await manager.ensure(user, 'docker');
      const view = sandboxView((await manager.get(user))!, { canReset: manager.canReset });
      expect(view).toMatchObject({ state: 'running', stopReason: 'idle', warningMs: 5 * 60_000, canExtend: true, canReset: true });
      expect(Date.parse(view.expiresAt!) - started).toBeGreaterThan(59 * 60_000);

      const extended = await manager.extend(user, 2 * 60 * 60_000);
      expect(extended.expiresAt!.getTime() - Date.now()).toBeGreaterThan(119 * 60_000);
      expect((await driver.status(id))!.expiresAt!.getTime()).toBe(extended.expiresAt!.getTime());

      expectOk(await driver.exec(id, 'echo mine > ~/work.txt'), 'write');
      await manager.stop(user);
      expect(volumesOf(id)).toEqual([`kubelab-sbx-${id}-cluster`, `kubelab-sbx-${id}-docker`, `kubelab-sbx-${id}-home`]);
      expect((await manager.get(user))!.expiresAt).toBeUndefined();

      await manager.reset(user);
      expect(volumesOf(id)).toEqual([]);
      expect(await manager.get(user)).toBeUndefined();
      await manager.ensure(user, 'docker');
      expect((await driver.exec(id, 'cat ~/work.txt')).exitCode).not.toBe(0);
    } finally {
      await manager.shutdown();
      await driver.reset(id);
      await driver.close();
    }
  });
});
