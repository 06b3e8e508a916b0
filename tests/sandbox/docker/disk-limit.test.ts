// The disk limit on a real engine: overlay2 on ext4 refuses --storage-opt, so the driver's watchdog
// measures the sandbox's volumes (docker system df data), warns in its terminal, stops it after the
// grace period, and the next start still has the learner's work. Uses tens of megabytes, not gigabytes.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDocker, dockerCli, ensureTestImages, expectOk, testDriver, uniqueId, waitFor } from './helpers';

jest.setTimeout(20 * 60_000);

const MB = 1024 ** 2;

describeDocker('docker driver: disk limit', () => {
  beforeAll(async () => {
    await ensureTestImages();
  });

  it('reports how the limit is enforced on this engine', async () => {
    const driver = testDriver();
    try {
      const backing = dockerCli(['info', '--format', '{{json .DriverStatus}}']);
      const xfs = /"Backing Filesystem","xfs"/.test(backing);
      expect(await driver.diskEnforcement()).toBe(xfs ? expect.stringMatching(/watchdog/) : 'watchdog');
      expect(await testDriver({ settings: { diskBytes: 0 } }).diskEnforcement()).toBe('off');
    } finally {
      await driver.close();
    }
  });

  it('warns over the limit, stops after the grace period, and keeps the work for the next start', async () => {
    const recordsDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-disk-records-'));
    const id = uniqueId('disk');
    // First measure what a fresh sandbox uses, then enforce a limit 32 MB above it.
    const measuring = testDriver({ recordsDir, settings: { diskBytes: 100 * 1024 * MB } });
    let driver = measuring;
    try {
      await measuring.create({ id, userId: 'learner-disk', profile: 'docker' });
      await measuring.housekeeping();
      const baseline = (await measuring.status(id))?.disk;
      expect(baseline?.usedBytes).toBeGreaterThan(0);
      await measuring.close();

      driver = testDriver({ recordsDir, settings: { diskBytes: baseline!.usedBytes + 32 * MB, diskGraceMs: 60_000, diskCheckIntervalMs: 10_000 } });
      const pty = await driver.attach(id, { cols: 160, rows: 30 });
      let output = '';
      pty.onData((d) => (output += d));
      pty.write('echo shell-ready\r');
      await waitFor('the shell', async () => output.includes('shell-ready'));

      const now = Date.now();
      expect(await driver.housekeeping(now)).toEqual([]);
      expect(output).not.toMatch(/disk limit/);
      expectOk(await driver.exec(id, 'head -c 48M /dev/zero > ~/big.bin && sync'), 'fill the home volume');

      // The next measurement is due one check interval later.
      expect(await driver.housekeeping(now + 5_000)).toEqual([]);
      expect(output).not.toMatch(/disk limit/);
      expect(await driver.housekeeping(now + 10_000)).toEqual([]);
      await waitFor('the warning in the terminal', async () => /uses \d+ MB of its \d+ MB disk limit\. Free some space/.test(output));
      const status = await driver.status(id);
      expect(status?.disk?.usedBytes).toBeGreaterThan(status!.disk!.limitBytes);
      expect(status).toMatchObject({ state: 'running', expiryWarningMs: 5 * 60_000 });
      expect(status?.expiresAt?.getTime()).toBeGreaterThan(now);

      expect(await driver.housekeeping(now + 40_000)).toEqual([]);
      expect(await driver.housekeeping(now + 71_000)).toEqual([id]);
      expect((await driver.status(id))?.state).toBe('stopped');

      await driver.create({ id, userId: 'learner-disk', profile: 'docker' });
      expect(expectOk(await driver.exec(id, 'stat -c %s ~/big.bin'), 'the kept file').stdout.trim()).toBe(String(48 * MB));
      // Freeing the space within the grace period keeps the sandbox running.
      expect(await driver.housekeeping(now + 10 * 60_000)).toEqual([]);
      expectOk(await driver.exec(id, 'rm ~/big.bin && sync'), 'free the space');
      expect(await driver.housekeeping(now + 10 * 60_000 + 30_000)).toEqual([]);
      expect(await driver.housekeeping(now + 12 * 60_000)).toEqual([]);
      expect((await driver.status(id))?.state).toBe('running');
    } finally {
      await driver.reset(id);
      await driver.close();
    }
  });
});
