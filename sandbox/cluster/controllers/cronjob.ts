// The CronJob controller (pkg/controller/cronjob v2): creates Job `<cronjob>-<minutes since
// epoch of the scheduled time>` at each activation, honours suspend, startingDeadlineSeconds and
// concurrencyPolicy (Allow/Forbid/Replace), tracks active jobs and last schedule/success times,
// and trims finished jobs to the history limits. Wakes up by timer at the next activation.
import { randomUUID } from 'node:crypto';
import { invalid } from '../api/errors';
import type { AdmissionOperation, ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { checkTimeZone, CronParseError, mostRecentActivation, nextActivation, parseCron } from './cron';
import { jobFinished } from './job';
import { byCreation, clone, controllerRefOf, isAlreadyExists, newControllerRef, parseTime, R, timestamp } from './util/meta';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'cronjob-controller';
type Spec = Record<string, any>;

/** Validates spec.schedule like the API server (422 with the parser's message). */
export function admitCronJob(op: AdmissionOperation, obj: KubeObject): KubeObject {
  if (op === 'DELETE') return obj;
  const schedule = (obj.spec as Spec | undefined)?.schedule;
  const tz = (obj.spec as Spec | undefined)?.timeZone;
  if (typeof tz === 'string') {
    try {
      checkTimeZone(tz);
    } catch {
      throw invalid('batch', 'CronJob', obj.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.timeZone', message: `Invalid value: ${JSON.stringify(tz)}: unknown time zone ${tz}` }]);
    }
  }
  if (typeof schedule !== 'string') return obj;
  try {
    parseCron(schedule);
  } catch (err) {
    if (!(err instanceof CronParseError)) throw err;
    throw invalid('batch', 'CronJob', obj.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.schedule', message: `Invalid value: ${JSON.stringify(schedule)}: ${err.message}` }]);
  }
  return obj;
}

export class CronJobController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.cronJobs, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.jobs, {}, (ev) => {
        const ref = controllerRefOf(ev.object);
        if (ref?.kind === 'CronJob') this.queue.add(objectKey(ev.object.metadata.namespace, ref.name));
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const cj = store.get(R.cronJobs, namespace, name);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const spec = (cj.spec ?? {}) as Spec;
    const prev = (cj.status ?? {}) as Spec;
    const status: Spec = clone(prev);
    const now = this.ctx.now();
    let jobs = store.list(R.jobs, { namespace }).items.filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);

    // Active list and last successful time from the children.
    const activeRefs = new Map<string, Spec>();
    for (const j of jobs) {
      const done = jobFinished(j);
      if (!done) activeRefs.set(j.metadata.uid!, this.jobRef(j));
      else {
        const wasActive = ((prev.active ?? []) as Spec[]).some((r) => r.uid === j.metadata.uid);
        if (wasActive) this.ctx.events.record(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`, COMPONENT);
        if (done === 'Complete') {
          const t = (j.status as Spec)?.completionTime as string | undefined;
          if (t && (!status.lastSuccessfulTime || t > status.lastSuccessfulTime)) status.lastSuccessfulTime = t;
        }
      }
    }

    let schedule;
    let tz: string | undefined = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
    try {
      if (tz) checkTimeZone(tz);
    } catch {
      this.ctx.events.record(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`, COMPONENT);
      tz = undefined;
      return;
    }
    try {
      schedule = parseCron(spec.schedule ?? '');
    } catch (err) {
      this.ctx.events.record(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(err as Error).message}`, COMPONENT);
      return;
    }

    if (!spec.suspend) {
      const earliest = new Date(parseTime(status.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? now.getTime());
      const deadline = spec.startingDeadlineSeconds as number | undefined;
      const from = deadline !== undefined && deadline !== null && now.getTime() - deadline * 1000 > earliest.getTime() ? new Date(now.getTime() - deadline * 1000) : earliest;
      const { time, missed } = mostRecentActivation(schedule, from, now, tz);
      if (missed > 100) this.ctx.events.record(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew', COMPONENT);
      if (time) {
        const policy = spec.concurrencyPolicy ?? 'Allow';
        let start = true;
        if (policy === 'Forbid' && activeRefs.size > 0) {
          this.ctx.events.record(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', COMPONENT);
          start = false;
          // Upstream skips this activation for good.
          status.lastScheduleTime = timestamp(time);
        }
        if (start && policy === 'Replace') {
          for (const j of jobs.filter((x) => activeRefs.has(x.metadata.uid!))) {
            try {
              store.delete(R.jobs, namespace, j.metadata.name!, { propagationPolicy: 'Background' });
              this.ctx.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, COMPONENT);
              activeRefs.delete(j.metadata.uid!);
            } catch {
              /* gone */
            }
          }
        }
        if (start) {
          const job = this.createJob(cj, time);
          if (job) activeRefs.set(job.metadata.uid!, this.jobRef(job));
          status.lastScheduleTime = timestamp(time);
        }
      }
    }

    jobs = store.list(R.jobs, { namespace }).items.filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    this.trimHistory(cj, jobs);
    status.active = [...activeRefs.values()];
    if (!status.active.length) delete status.active;
    if (JSON.stringify(prev) !== JSON.stringify(status)) {
      store.mutate(R.cronJobs, namespace, name, (cur) => {
        if (cur.metadata.uid !== cj.metadata.uid) return undefined;
        cur.status = status;
        return cur;
      }, { subresource: 'status' });
    }
    if (!spec.suspend) {
      const next = nextActivation(schedule, now, tz);
      if (next) this.queue.addAfter(key, next.getTime() - now.getTime() + 100);
    }
  }

  private jobRef(j: KubeObject): Spec {
    return { kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion };
  }

  /** getJobFromTemplate2 plus the selector/labels the API server adds to every Job. */
  private createJob(cj: KubeObject, scheduled: Date): KubeObject | undefined {
    const spec = (cj.spec ?? {}) as Spec;
    const template = clone((spec.jobTemplate ?? {}) as Spec);
    const name = `${cj.metadata.name}-${Math.floor(scheduled.getTime() / 60000)}`;
    const uid = randomUUID();
    const jobSpec = (template.spec ?? {}) as Spec;
    const idLabels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    if (!jobSpec.manualSelector) {
      jobSpec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      jobSpec.template ??= {};
      jobSpec.template.metadata ??= {};
      jobSpec.template.metadata.labels = { ...(jobSpec.template.metadata.labels ?? {}), ...idLabels };
    }
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        uid,
        labels: { ...(template.metadata?.labels ?? {}), ...(jobSpec.manualSelector ? {} : idLabels) },
        annotations: { ...(template.metadata?.annotations ?? {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': scheduled.toISOString().replace(/\.\d{3}Z$/, 'Z') },
        ownerReferences: [newControllerRef(cj)],
      },
      spec: jobSpec,
    };
    try {
      const created = this.ctx.store.create(R.jobs, job);
      this.ctx.events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`, COMPONENT);
      return created;
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      this.ctx.events.record(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`, COMPONENT);
      throw err;
    }
  }

  private trimHistory(cj: KubeObject, jobs: KubeObject[]): void {
    const spec = (cj.spec ?? {}) as Spec;
    const trim = (kind: 'Complete' | 'Failed', limit: number | undefined) => {
      if (limit === undefined || limit === null) return;
      const finished = jobs.filter((j) => jobFinished(j) === kind).sort(byCreation);
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        try {
          this.ctx.store.delete(R.jobs, j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' });
          this.ctx.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, COMPONENT);
        } catch {
          /* gone */
        }
      }
    };
    trim('Complete', spec.successfulJobsHistoryLimit ?? 3);
    trim('Failed', spec.failedJobsHistoryLimit ?? 1);
  }
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`cronjob-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
