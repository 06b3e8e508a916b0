import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@/sandbox/cluster/store/types';
import { mostRecentActivation, nextActivation, parseCron } from '@/sandbox/cluster/controllers/cron';
import { StatusError } from '@/sandbox/cluster/api/errors';
import { REFS, startTestCluster, waitFor, type TestCluster } from './harness';

/** A Job as the API server stores it (generated selector and labels). */
function job(name: string, image: string, spec: Record<string, unknown> = {}): KubeObject {
  const uid = randomUUID();
  const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid, labels },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } }, template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } }, ...spec },
  };
}

const cond = (o: KubeObject | undefined, type: string) => ((o?.status as any)?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');

describe('cron schedules', () => {
  const at = (s: string) => new Date(s);
  it('parses steps, ranges, lists, names and macros', () => {
    const every5 = parseCron('*/5 * * * *');
    expect(nextActivation(every5, at('2026-01-01T00:03:10Z'))!.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    const weekdays = parseCron('30 9 * * MON-FRI');
    expect(nextActivation(weekdays, at('2026-01-03T10:00:00Z'))!.toISOString()).toBe('2026-01-05T09:30:00.000Z'); // Sat → Mon
    expect(nextActivation(parseCron('0 0 1,15 * *'), at('2026-02-02T00:00:00Z'))!.toISOString()).toBe('2026-02-15T00:00:00.000Z');
    expect(nextActivation(parseCron('@hourly'), at('2026-01-01T10:59:00Z'))!.toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(nextActivation(parseCron('0 0 * JAN,JUL 0'), at('2026-01-01T00:00:00Z'))!.toISOString()).toBe('2026-01-04T00:00:00.000Z');
    expect(nextActivation(parseCron('0 12 30 2 *'), at('2026-01-01T00:00:00Z'))).toBeUndefined();
    const recent = mostRecentActivation(every5, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:17:00Z'));
    expect(recent.time!.toISOString()).toBe('2026-01-01T00:15:00.000Z');
    expect(recent.missed).toBe(3);
    expect(() => parseCron('* * *')).toThrow('expected exactly 5 fields, found 3: * * *');
    expect(() => parseCron('61 * * * *')).toThrow('end of range (61) above maximum (59): 61');
  });
});

describe('Job controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('runs completions with parallelism and completes', async () => {
    c = startTestCluster({ kubelet: { exitCodes: { 'busybox:ok': 0 } } });
    c.create(REFS.jobs, job('pi', 'busybox:ok', { completions: 3, parallelism: 2 }));
    const done = await waitFor(() => {
      const j = c.get(REFS.jobs, 'default', 'pi');
      return cond(j, 'Complete') ? j : undefined;
    }, 'complete');
    expect(done!.status).toMatchObject({ succeeded: 3, ready: 0, uncountedTerminatedPods: {} });
    expect((done!.status as any).completionTime).toBeDefined();
    expect(cond(done, 'SuccessCriteriaMet')).toBeTruthy();
    const pods = c.list(REFS.pods, 'default').filter((p) => p.metadata.labels?.['job-name'] === 'pi');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
      expect(p.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
    }
    expect(c.events('Completed')[0].message).toBe('Job completed');
  });

  it('fails after backoffLimit', async () => {
    c = startTestCluster({ kubelet: { exitCodes: { 'busybox:fail': 1 } } });
    c.create(REFS.jobs, job('bad', 'busybox:fail', { backoffLimit: 2 }));
    const failed = await waitFor(() => {
      const j = c.get(REFS.jobs, 'default', 'bad');
      return cond(j, 'Failed') ? j : undefined;
    }, 'failed');
    expect(failed!.status).toMatchObject({ failed: 3 });
    expect(cond(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });

  it('rejects changing a Job template', () => {
    c = startTestCluster({ controllers: true, scheduler: false });
    const j = c.create(REFS.jobs, job('imm', 'busybox:ok'));
    (j.spec as any).template.spec.containers[0].image = 'other';
    let err: unknown;
    try {
      c.update(REFS.jobs, j);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toContain('spec.template: Invalid value');
  });
});

describe('CronJob controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  const cronJob = (spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:ok' }] } } } }, ...spec },
  });

  it('creates a job per activation named by the scheduled minute and keeps history limits', async () => {
    c = startTestCluster({ kubelet: { exitCodes: { 'busybox:ok': 0 } } });
    c.create(REFS.cronJobs, cronJob({ successfulJobsHistoryLimit: 2 }));
    const poke = () => c.store.mutate(REFS.cronJobs, 'default', 'hello', (cj) => ({ ...cj, metadata: { ...cj.metadata, annotations: { poke: String(Math.random()) } } }));
    for (let i = 1; i <= 4; i++) {
      c.clock.offsetMs += 60_000;
      poke();
      await waitFor(() => c.list(REFS.jobs, 'default').length >= Math.min(i, 2) && c.list(REFS.jobs, 'default').every((j) => cond(j, 'Complete')), `job ${i} complete`);
      const expected = Math.floor((Date.now() + c.clock.offsetMs) / 60000);
      await waitFor(() => c.events('SuccessfulCreate').some((e) => e.message === `Created job hello-${expected}`), `created hello-${expected}`);
    }
    poke();
    await waitFor(() => c.list(REFS.jobs, 'default').length === 2, 'history trimmed to 2');
    const cj = c.get(REFS.cronJobs, 'default', 'hello')!;
    expect((cj.status as any).lastScheduleTime).toBeDefined();
    const j = c.list(REFS.jobs, 'default')[0];
    expect(j.metadata.ownerReferences![0]).toMatchObject({ kind: 'CronJob', name: 'hello', controller: true });
    expect(j.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']).toMatch(/Z$/);
    expect(j.metadata.labels!['batch.kubernetes.io/job-name']).toBe(j.metadata.name);
  });

  it('rejects an invalid schedule', () => {
    c = startTestCluster({ scheduler: false });
    let err: StatusError | undefined;
    try {
      c.create(REFS.cronJobs, cronJob({ schedule: '* * *' }));
    } catch (e) {
      err = e as StatusError;
    }
    expect(err?.message).toBe('CronJob.batch "hello" is invalid: spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: * * *');
  });
});

describe('time zones and indexed jobs', () => {
  it('runs schedules on the wall clock of spec.timeZone, skipping DST gaps', () => {
    const daily9 = parseCron('0 9 * * *');
    expect(nextActivation(daily9, new Date('2026-01-01T00:30:00Z'), 'Asia/Seoul')!.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(nextActivation(daily9, new Date('2026-07-01T00:00:00Z'), 'America/New_York')!.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    // 02:30 does not exist on 2026-03-08 in New York: the next run is the day after.
    expect(nextActivation(parseCron('30 2 * * *'), new Date('2026-03-08T00:00:00Z'), 'America/New_York')!.toISOString()).toBe('2026-03-09T06:30:00.000Z');
  });

  let c: TestCluster;
  afterEach(() => c?.stop());

  it('runs an Indexed job with one pod per completion index', async () => {
    c = startTestCluster({ kubelet: { exitCodes: { 'busybox:ok': 0 } } });
    c.create(REFS.jobs, job('idx', 'busybox:ok', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const done = await waitFor(() => {
      const j = c.get(REFS.jobs, 'default', 'idx');
      return cond(j, 'Complete') ? j : undefined;
    }, 'indexed complete');
    expect(done!.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    const pods = c.list(REFS.pods, 'default').filter((p) => p.metadata.labels?.['job-name'] === 'idx');
    expect(pods.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2']);
    expect(pods.map((p) => p.metadata.name).sort()[0]).toMatch(/^idx-0-[a-z0-9]{5}$/);
    expect((pods[0].spec as any).hostname).toMatch(/^idx-\d$/);
  });

  it('rejects an unknown time zone', () => {
    c = startTestCluster({ scheduler: false });
    expect(() => c.create(REFS.cronJobs, { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tz', namespace: 'default' }, spec: { schedule: '0 9 * * *', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } } } })).toThrow('spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus');
  });
});
