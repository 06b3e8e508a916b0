// SandboxManager's part of the lifecycle: the idle clock (also after an app restart), extend
// without piling time up, and reset through the driver.
import { SandboxError } from '@/sandbox/driver';
import { SandboxManager, sandboxIdFor } from '@/sandbox/manager';
import { FakeLifetimeDriver } from './fake-driver';

const MIN = 60_000;

describe('SandboxManager lifecycle', () => {
  it('reports when an idle sandbox stops, and activity pushes it back', async () => {
    const driver = new FakeLifetimeDriver(4 * 60 * MIN);
    const manager = new SandboxManager(driver, { idleTimeoutMs: 30 * MIN });
    const info = await manager.ensure('lea', 'docker');
    const first = (await manager.get('lea'))!.idleStopsAt!.getTime();
    expect(first - Date.now()).toBeGreaterThan(29 * MIN);
    await new Promise((r) => setTimeout(r, 20));
    manager.touch(info.id);
    expect((await manager.get('lea'))!.idleStopsAt!.getTime()).toBeGreaterThan(first);
    await manager.shutdown();
  });

  it('after an app restart the idle clock starts at the run\'s start, not at the sandbox\'s creation', async () => {
    const driver = new FakeLifetimeDriver(4 * 60 * MIN);
    const id = sandboxIdFor('lea');
    await driver.create({ id, userId: 'lea', profile: 'docker' });
    // Created days ago, started again a minute ago by a previous app process.
    const e = driver.sandboxes.get(id)!;
    e.info.createdAt = new Date(Date.now() - 3 * 24 * 60 * MIN);
    e.info.startedAt = new Date(Date.now() - MIN);
    const restarted = new SandboxManager(driver, { idleTimeoutMs: 30 * MIN });
    expect(await restarted.stopIdle()).toEqual([]);
    expect(await restarted.stopIdle(Date.now() + 30 * MIN)).toEqual([id]);
    await restarted.shutdown();
  });

  it('extend tops the lifetime up to the requested time from now, once', async () => {
    const driver = new FakeLifetimeDriver(4 * 60 * MIN);
    const manager = new SandboxManager(driver);
    const info = await manager.ensure('lea', 'docker');
    const now = Date.now();
    driver.sandboxes.get(info.id)!.info.expiresAt = new Date(now + 5 * MIN);
    expect((await manager.extend('lea', 60 * MIN, now)).expiresAt!.getTime()).toBeGreaterThanOrEqual(now + 60 * MIN);
    const after = driver.sandboxes.get(info.id)!.info.expiresAt!.getTime();
    await manager.extend('lea', 30 * MIN, now);
    expect(driver.sandboxes.get(info.id)!.info.expiresAt!.getTime()).toBe(after);
    await manager.stop('lea');
    await expect(manager.extend('lea', 60 * MIN)).rejects.toThrow(SandboxError);
  });

  it('reset goes through the driver and tells the terminal bridge to drop the old replay', async () => {
    const stopped: string[] = [];
    const driver = new FakeLifetimeDriver();
    const manager = new SandboxManager(driver, { onStop: (id) => stopped.push(id) });
    const forgotten: string[] = [];
    const unsubscribe = manager.onReset((id) => forgotten.push(id));
    const info = await manager.ensure('lea', 'docker');
    await manager.reset('lea');
    expect(driver.sandboxes.has(info.id)).toBe(false);
    expect(stopped).toEqual([info.id]);
    expect(forgotten).toEqual([info.id]);
    unsubscribe();
    await manager.ensure('lea', 'docker');
    await manager.reset('lea');
    expect(forgotten).toEqual([info.id]);
    const plain = new SandboxManager(new FakeLifetimeDriver(null));
    expect(plain.canReset).toBe(false);
    await expect(plain.reset('lea')).rejects.toThrow(/keeps no work between starts/);
  });
});
