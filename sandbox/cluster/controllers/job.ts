// The Job controller (pkg/controller/job): runs pods until `completions` succeed (or, without
// completions, until one succeeds) with at most `parallelism` active, retries failures with
// exponential back-off up to `backoffLimit`, honours activeDeadlineSeconds, suspend and
// ttlSecondsAfterFinished, and tracks finished pods with the job-tracking finalizer so counts
// survive pod deletion.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { clone, controllerRefOf, isDeleting, newControllerRef, parseTime, R, timestamp } from './util/meta';
import { isPodReady, podFromTemplate, podPhase } from './util/pods';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'job-controller';
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;
type Spec = Record<string, any>;

export const CompletionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';

/** `0-2,4` ↔ {0,1,2,4} (status.completedIndexes). */
export function parseIndexes(s: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.add(i);
  }
  return out;
}

export function formatIndexes(set: Set<number>): string {
  const sorted = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function podIndex(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[CompletionIndexAnnotation];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** With restartPolicy OnFailure, container restarts of active pods count against backoffLimit. */
function pastBackoffLimitOnFailure(spec: Spec, active: KubeObject[]): boolean {
  if (spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of active) {
    const st = (p.status ?? {}) as Spec;
    for (const cs of [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])] as Spec[]) restarts += cs.restartCount ?? 0;
  }
  const limit = spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of ((job.status as Spec)?.conditions ?? []) as Spec[]) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export class JobController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.jobs, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.pods, {}, (ev) => {
        const ref = controllerRefOf(ev.object);
        if (ref?.kind === 'Job') this.queue.add(objectKey(ev.object.metadata.namespace, ref.name));
        else if (ev.type !== 'DELETED' && (ev.object.metadata.finalizers ?? []).includes(TRACKING_FINALIZER)) this.releaseOrphan(ev.object);
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  /** A tracked pod whose job is gone must not be stuck with our finalizer. */
  private releaseOrphan(pod: KubeObject): void {
    this.removeFinalizer(pod);
  }

  private removeFinalizer(pod: KubeObject): void {
    try {
      this.ctx.store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (cur) => {
        const f = cur.metadata.finalizers ?? [];
        if (!f.includes(TRACKING_FINALIZER)) return undefined;
        cur.metadata.finalizers = f.filter((x) => x !== TRACKING_FINALIZER);
        return cur;
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }

  private scale(ms: number): number {
    return Math.round(ms * (this.ctx.options.timeScale ?? 1));
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const job = store.get(R.jobs, namespace, name);
    const all = store.list(R.pods, { namespace }).items;
    if (!job) {
      for (const p of all) if ((p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER) && controllerRefOf(p)?.kind === 'Job' && controllerRefOf(p)?.name === name) this.removeFinalizer(p);
      return;
    }
    const spec = (job.spec ?? {}) as Spec;
    const prev = (job.status ?? {}) as Spec;
    const status: Spec = clone(prev);
    const pods = all.filter((p) => controllerRefOf(p)?.uid === job.metadata.uid);
    const now = this.ctx.now();
    const nowIso = timestamp(now);

    const indexed = spec.completionMode === 'Indexed';
    // Count pods that finished (or vanished while running) and release them.
    const toRelease: KubeObject[] = [];
    let newlyFailed = 0;
    let lastFailure = 0;
    for (const p of pods) {
      if (!(p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER)) continue;
      const phase = podPhase(p);
      if (phase === 'Succeeded') {
        if (indexed) {
          const idx = podIndex(p);
          const done = parseIndexes(status.completedIndexes);
          if (idx !== undefined && idx < (spec.completions ?? 0) && !done.has(idx)) {
            done.add(idx);
            status.completedIndexes = formatIndexes(done);
            status.succeeded = done.size;
          }
        } else status.succeeded = (status.succeeded ?? 0) + 1;
        toRelease.push(p);
      } else if (phase === 'Failed' || isDeleting(p)) {
        status.failed = (status.failed ?? 0) + 1;
        newlyFailed++;
        lastFailure = Math.max(lastFailure, now.getTime());
        toRelease.push(p);
      }
    }
    const active = pods.filter((p) => !isDeleting(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    const terminating = pods.filter((p) => isDeleting(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    if (newlyFailed) status.lastFailureTime = new Date(lastFailure).toISOString();

    const finished = jobFinished(job);
    const completions: number | undefined = spec.completions ?? undefined;
    const parallelism: number = spec.parallelism ?? 1;
    const backoffLimit: number = spec.backoffLimit ?? 6;
    const succeeded: number = status.succeeded ?? 0;
    const failed: number = status.failed ?? 0;
    let outcome: { type: 'Complete' | 'Failed'; reason: string; message: string } | undefined;

    if (!finished) {
      if (!spec.suspend) status.startTime ??= nowIso;
      const started = parseTime(status.startTime);
      if (failed > backoffLimit || pastBackoffLimitOnFailure(spec, active)) outcome = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
      else if (spec.activeDeadlineSeconds !== undefined && started !== undefined && now.getTime() - started >= spec.activeDeadlineSeconds * 1000 && !spec.suspend) {
        outcome = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      } else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
        outcome = { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
      }
    }

    if (finished || outcome) {
      for (const p of active) this.deletePod(job, p);
    } else if (spec.suspend) {
      for (const p of active) this.deletePod(job, p);
      this.setCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowIso);
    } else {
      if (((status.conditions ?? []) as Spec[]).some((c) => c.type === 'Suspended' && c.status === 'True')) {
        this.setCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowIso);
      }
      let want = completions !== undefined ? Math.min(parallelism, completions - succeeded) : succeeded > 0 ? 0 : parallelism;
      want = Math.max(0, want);
      if (active.length > want) {
        const extra = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, active.length - want);
        for (const p of extra) this.deletePod(job, p);
      } else if (active.length + terminating.length < want || (active.length < want && spec.podReplacementPolicy !== 'Failed')) {
        const delay = failed > 0 ? this.scale(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failed - 1))) : 0;
        const since = parseTime(status.lastFailureTime) ?? 0;
        const wait = since + delay - now.getTime();
        if (failed > 0 && wait > 0) this.queue.addAfter(key, wait);
        else if (indexed) {
          const taken = new Set([...parseIndexes(status.completedIndexes), ...active.map(podIndex).filter((i): i is number => i !== undefined)]);
          let missing = want - active.length;
          for (let i = 0; i < (completions ?? 0) && missing > 0; i++) {
            if (taken.has(i)) continue;
            this.createPod(job, i);
            missing--;
          }
        } else for (let i = active.length; i < want; i++) this.createPod(job);
      }
    }

    const fresh = store.list(R.pods, { namespace }).items.filter((p) => controllerRefOf(p)?.uid === job.metadata.uid);
    const nowActive = fresh.filter((p) => !isDeleting(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    status.active = nowActive.length;
    status.ready = nowActive.filter(isPodReady).length;
    status.terminating = fresh.filter((p) => isDeleting(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed').length;
    status.uncountedTerminatedPods ??= {};
    if (outcome) {
      if (outcome.type === 'Complete') {
        this.setCondition(status, 'SuccessCriteriaMet', 'True', outcome.reason, outcome.message, nowIso);
        this.setCondition(status, 'Complete', 'True', outcome.reason, outcome.message, nowIso);
        status.completionTime = nowIso;
        this.ctx.events.record(job, 'Normal', 'Completed', 'Job completed', COMPONENT);
      } else {
        this.setCondition(status, 'FailureTarget', 'True', outcome.reason, outcome.message, nowIso);
        this.setCondition(status, 'Failed', 'True', outcome.reason, outcome.message, nowIso);
        this.ctx.events.record(job, 'Warning', outcome.reason, outcome.message, COMPONENT);
      }
    }
    for (const k of ['active', 'succeeded', 'failed']) if (!status[k]) delete status[k];
    if (JSON.stringify(sortKeys(prev)) !== JSON.stringify(sortKeys(status))) {
      store.mutate(R.jobs, namespace, name, (cur) => {
        if (cur.metadata.uid !== job.metadata.uid) return undefined;
        cur.status = status;
        return cur;
      }, { subresource: 'status' });
    }
    for (const p of toRelease) this.removeFinalizer(p);

    const done = finished ?? outcome?.type;
    if (done) this.scheduleTTL(job, status, key);
    else if (spec.activeDeadlineSeconds !== undefined && status.startTime && !spec.suspend) {
      const at = (parseTime(status.startTime) ?? now.getTime()) + spec.activeDeadlineSeconds * 1000;
      this.queue.addAfter(key, Math.max(0, at - now.getTime()) + 10);
    }
  }

  private scheduleTTL(job: KubeObject, status: Spec, key: string): void {
    const ttl = (job.spec as Spec)?.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return;
    const finishedAt = parseTime(status.completionTime) ?? parseTime(((status.conditions ?? []) as Spec[]).find((c) => c.type === 'Failed')?.lastTransitionTime) ?? this.ctx.now().getTime();
    const wait = finishedAt + ttl * 1000 - this.ctx.now().getTime();
    if (wait > 0) {
      this.queue.addAfter(key, wait + 10);
      return;
    }
    try {
      this.ctx.store.delete(R.jobs, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }

  private setCondition(status: Spec, type: string, value: string, reason: string, message: string, now: string): void {
    const conditions = (status.conditions ?? []) as Spec[];
    const existing = conditions.find((c) => c.type === type);
    if (existing && existing.status === value && existing.reason === reason) return;
    const cond = { type, status: value, lastProbeTime: now, lastTransitionTime: existing && existing.status === value ? existing.lastTransitionTime : now, reason, message };
    status.conditions = [...conditions.filter((c) => c.type !== type), cond];
  }

  private createPod(job: KubeObject, index?: number): void {
    const template = clone(((job.spec as Spec)?.template ?? {}) as Spec);
    if (index !== undefined) {
      // Indexed jobs: the index in an annotation and label, the hostname, and JOB_COMPLETION_INDEX.
      template.metadata ??= {};
      template.metadata.annotations = { ...(template.metadata.annotations ?? {}), [CompletionIndexAnnotation]: String(index) };
      template.metadata.labels = { ...(template.metadata.labels ?? {}), [CompletionIndexAnnotation]: String(index) };
      template.spec ??= {};
      template.spec.hostname = `${job.metadata.name}-${index}`;
      for (const c of [...(template.spec.containers ?? []), ...(template.spec.initContainers ?? [])] as Spec[]) {
        c.env = [...((c.env ?? []) as Spec[]).filter((e) => e.name !== 'JOB_COMPLETION_INDEX'), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${CompletionIndexAnnotation}']` } } }];
      }
    }
    const pod = podFromTemplate(template, job.metadata.namespace!, newControllerRef(job), index !== undefined ? { generateName: `${job.metadata.name}-${index}-` } : undefined);
    pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), TRACKING_FINALIZER];
    try {
      const created = this.ctx.store.create(R.pods, pod);
      this.ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, COMPONENT);
    } catch (err) {
      this.ctx.events.record(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`, COMPONENT);
      throw err;
    }
  }

  private deletePod(job: KubeObject, pod: KubeObject): void {
    try {
      this.ctx.store.delete(R.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.ctx.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`job-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
