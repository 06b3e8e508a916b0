// The Docker driver's disk limit, enforced by a watchdog (overlay2 on ext4 has no quotas): usage per
// sandbox from the engine's df data, warnings in the terminal, a stop after the grace period, a
// fake clock and a fake engine instead of real gigabytes.
import type Docker from 'dockerode';
import { DiskWatchdog, formatBytes, storageOptSupported, usageBySlot, type DiskUsageReport } from '@/sandbox/drivers/docker/disk';

const GB = 1024 ** 3;
const MIN = 60_000;

describe('usageBySlot', () => {
  it('adds up each slot\'s volumes and writable layers, skipping sizes the engine did not compute', () => {
    const report: DiskUsageReport = {
      Volumes: [
        { Name: 'kubelab-sbx-a-docker', Labels: { 'io.kubelab': 'volume', 'io.kubelab.slot': 'kubelab-sbx-a' }, UsageData: { Size: 3 * GB } },
        { Name: 'kubelab-sbx-a-home', Labels: { 'io.kubelab.slot': 'kubelab-sbx-a' }, UsageData: { Size: 1000 } },
        { Name: 'kubelab-sbx-b-docker', Labels: { 'io.kubelab.slot': 'kubelab-sbx-b' }, UsageData: { Size: -1 } },
        { Name: 'someone-elses', Labels: null, UsageData: { Size: 99 * GB } },
        { Name: 'no-usage', Labels: { 'io.kubelab.slot': 'kubelab-sbx-b' }, UsageData: null },
      ],
      Containers: [
        { Labels: { 'io.kubelab.slot': 'kubelab-sbx-a' }, SizeRw: 500 },
        { Labels: { 'io.kubelab.slot': 'kubelab-sbx-b' }, SizeRw: 7 },
        { Labels: {}, SizeRw: 10 * GB },
      ],
    };
    expect(usageBySlot(report)).toEqual(
      new Map([
        ['kubelab-sbx-a', 3 * GB + 1500],
        ['kubelab-sbx-b', 7],
      ]),
    );
    expect(usageBySlot({})).toEqual(new Map());
  });

  it('formats sizes for messages', () => {
    expect(formatBytes(10.4 * GB)).toBe('10.4 GB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MB');
    expect(formatBytes(2048)).toBe('2 KB');
  });
});

describe('storageOptSupported', () => {
  it('is false when the engine refuses --storage-opt (overlay2 on extfs) and cleans up when it accepts', async () => {
    const removed: string[] = [];
    const refusing = { createContainer: async () => Promise.reject(new Error("--storage-opt is supported only for overlay over xfs with 'pquota' mount option")) } as unknown as Docker;
    expect(await storageOptSupported(refusing, 'kubelab/sandbox:latest')).toBe(false);
    const created: unknown[] = [];
    const accepting = {
      createContainer: async (opts: { name: string }) => {
        created.push(opts);
        return { remove: async () => void removed.push(opts.name) };
      },
    } as unknown as Docker;
    expect(await storageOptSupported(accepting, 'kubelab/sandbox:latest')).toBe(true);
    expect(created).toEqual([expect.objectContaining({ Image: 'kubelab/sandbox:latest', HostConfig: { StorageOpt: { size: '1G' } } })]);
    expect(removed).toHaveLength(1);
  });
});

/** A fake engine: sandboxes and their usage are set by the test; warnings and stops are recorded. */
function harness(opts: { limit?: number; intervalMs?: number; graceMs?: number } = {}) {
  const usage = new Map<string, number>();
  const running = new Map<string, string>([
    ['alice', 'kubelab-sbx-alice'],
    ['bob', 'kubelab-pool-123'], // came from the warm pool: its volumes carry the pool slot's name
  ]);
  const events: string[] = [];
  let measurements = 0;
  const dog = new DiskWatchdog({
    limitBytes: opts.limit ?? 10 * GB,
    intervalMs: opts.intervalMs ?? 5 * MIN,
    graceMs: opts.graceMs ?? 10 * MIN,
    sandboxes: async () => [...running].map(([id, slot]) => ({ id, slot })),
    measure: async () => {
      measurements++;
      return new Map(usage);
    },
    warn: async (id, message) => void events.push(`warn ${id}: ${message}`),
    stop: async (id, message) => {
      events.push(`stop ${id}: ${message}`);
      running.delete(id);
    },
  });
  return { dog, usage, running, events, measurements: () => measurements };
}

describe('DiskWatchdog', () => {
  it('measures every interval while everyone is under the limit', async () => {
    const h = harness();
    h.usage.set('kubelab-sbx-alice', 1 * GB);
    expect((await h.dog.tick(0)).measured).toBe(true);
    expect((await h.dog.tick(30_000)).measured).toBe(false);
    expect((await h.dog.tick(5 * MIN)).measured).toBe(true);
    expect(h.measurements()).toBe(2);
    expect(h.events).toEqual([]);
    expect(h.dog.usage('alice')).toEqual({ usedBytes: GB, limitBytes: 10 * GB, measuredAt: new Date(5 * MIN) });
  });

  it('warns once near the limit', async () => {
    const h = harness();
    h.usage.set('kubelab-sbx-alice', 9.3 * GB);
    await h.dog.tick(0);
    await h.dog.tick(5 * MIN);
    expect(h.events).toEqual(['warn alice: this sandbox uses 9.3 GB of its 10.0 GB disk limit. Over the limit it is stopped; docker system prune -a frees unused images.']);
  });

  it('over the limit: warns, re-measures every tick, and stops after the grace period; the work is kept', async () => {
    const h = harness();
    h.usage.set('kubelab-pool-123', 10.5 * GB);
    const first = await h.dog.tick(0);
    expect(first).toEqual({ measured: true, warned: ['bob'], stopped: [] });
    expect(h.events[0]).toBe('warn bob: this sandbox uses 10.5 GB of its 10.0 GB disk limit. Free some space within 10 minute(s) (docker system prune -a, docker volume prune, delete big files) or it will be stopped. Your work is kept.');
    // While a sandbox is over, every tick measures (not every 5 minutes), but nothing repeats.
    expect((await h.dog.tick(30_000)).measured).toBe(true);
    expect((await h.dog.tick(10 * MIN - 1)).stopped).toEqual([]);
    expect(h.events).toHaveLength(1);
    const last = await h.dog.tick(10 * MIN);
    expect(last.stopped).toEqual(['bob']);
    expect(h.events[1]).toMatch(/^stop bob: this sandbox still uses 10.5 GB of its 10.0 GB disk limit and is stopping now\. Your work is kept/);
    expect(h.running.has('bob')).toBe(false);
    expect(h.dog.usage('bob')).toBeUndefined();
  });

  it('a learner who frees space in time is told so and not stopped', async () => {
    const h = harness();
    h.usage.set('kubelab-sbx-alice', 12 * GB);
    await h.dog.tick(0);
    h.usage.set('kubelab-sbx-alice', 4 * GB);
    const r = await h.dog.tick(30_000);
    expect(r.stopped).toEqual([]);
    expect(h.events[1]).toBe('warn alice: this sandbox is back under its disk limit (4.0 GB of its 10.0 GB disk limit).');
    await h.dog.tick(11 * MIN);
    expect(h.running.has('alice')).toBe(true);
    // Back to the normal cadence, and filling up again warns again.
    expect((await h.dog.tick(11 * MIN + 30_000)).measured).toBe(false);
    h.usage.set('kubelab-sbx-alice', 11 * GB);
    await h.dog.tick(16 * MIN);
    expect(h.events[2]).toMatch(/^warn alice: this sandbox uses 11.0 GB/);
  });

  it('a stopped sandbox that comes back over the limit gets a fresh grace period', async () => {
    const h = harness({ graceMs: 0 });
    h.usage.set('kubelab-sbx-alice', 11 * GB);
    await h.dog.tick(0);
    await h.dog.tick(30_000);
    expect(h.running.has('alice')).toBe(false);
    h.running.set('alice', 'kubelab-sbx-alice'); // the learner pressed Start
    await h.dog.tick(5 * MIN + 30_000);
    expect(h.running.has('alice')).toBe(true);
    expect(h.events.filter((e) => e.startsWith('warn alice')).length).toBe(2);
  });

  it('a limit of 0 turns it off', async () => {
    const h = harness({ limit: 0 });
    h.usage.set('kubelab-sbx-alice', 100 * GB);
    expect(await h.dog.tick(0)).toEqual({ measured: false, warned: [], stopped: [] });
    expect(h.measurements()).toBe(0);
  });
});

describe('DiskWatchdog without running sandboxes', () => {
  it('does not walk the volumes at all', async () => {
    const h = harness();
    h.running.clear();
    expect(await h.dog.tick(0)).toEqual({ measured: false, warned: [], stopped: [] });
    expect(h.measurements()).toBe(0);
  });
});
