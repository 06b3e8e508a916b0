// Grades an exercise: evaluates its checks against the sandbox (in parallel), waits for eventual
// state where a check declares a timeout, bounds the whole grading in time, and produces results
// with learner-facing messages and a weighted score.
import * as docker from './checks/docker';
import * as k8s from './checks/kubernetes';
import * as sandbox from './checks/sandbox';
import { parseDuration } from './duration';
import { GradingUnavailable, type Outcome } from './outcome';
import type { Check } from './schema';
import type { DockerReader, GradingTargets, KubeReader, SandboxRunner } from './targets';

export interface CheckResult {
  id: string;
  type: Check['type'];
  passed: boolean;
  weight: number;
  message: string;
  expected: string;
  found: string;
  hint?: string;
  /** Set when the check could not be evaluated (timeout, API error, missing sandbox facility). */
  error?: string;
  durationMs: number;
}

export interface GradeResult {
  passed: boolean;
  score: number;
  maxScore: number;
  checks: CheckResult[];
  durationMs: number;
}

export interface GradeOptions {
  /** Hard bound for the whole grading; a stuck check fails with a clear message. Default 20 s. */
  deadlineMs?: number;
  /** How often a check with a `timeout` is re-evaluated. Default 250 ms. */
  pollMs?: number;
  /** Called as soon as each check has a final result (for streaming results to the browser). */
  onResult?: (result: CheckResult) => void;
  signal?: AbortSignal;
}

type Evaluator = (check: Check, targets: GradingTargets) => Promise<Outcome>;

const need = {
  kube(t: GradingTargets): KubeReader {
    if (!t.kube) throw new GradingUnavailable('this sandbox has no Kubernetes cluster (the lesson needs the kubernetes or full profile)');
    return t.kube;
  },
  docker(t: GradingTargets): DockerReader {
    if (!t.docker) throw new GradingUnavailable('this sandbox has no Docker daemon (the lesson needs the docker or full profile)');
    return t.docker;
  },
  sandbox(t: GradingTargets): SandboxRunner {
    if (!t.sandbox) throw new GradingUnavailable('the sandbox is not running');
    return t.sandbox;
  },
};

/* eslint-disable @typescript-eslint/no-explicit-any */
const evaluators: Record<Check['type'], Evaluator> = {
  'k8s.exists': (c, t) => k8s.k8sExists(c as any, need.kube(t)),
  'k8s.absent': (c, t) => k8s.k8sAbsent(c as any, need.kube(t)),
  'k8s.field': (c, t) => k8s.k8sField(c as any, need.kube(t)),
  'k8s.ready': (c, t) => k8s.k8sReady(c as any, need.kube(t)),
  'k8s.podsRunning': (c, t) => k8s.k8sPodsRunning(c as any, need.kube(t)),
  'k8s.nodeUnschedulable': (c, t) => k8s.k8sNodeUnschedulable(c as any, need.kube(t)),
  'k8s.rollout': (c, t) => k8s.k8sRollout(c as any, need.kube(t)),
  'k8s.spread': (c, t) => k8s.k8sSpread(c as any, need.kube(t)),
  'k8s.endpoints': (c, t) => k8s.k8sEndpoints(c as any, need.kube(t)),
  'docker.container': (c, t) => docker.dockerContainer(c as any, need.docker(t)),
  'docker.containerCount': (c, t) => docker.dockerContainerCount(c as any, need.docker(t)),
  'docker.image': (c, t) => docker.dockerImage(c as any, need.docker(t)),
  'docker.volume': (c, t) => docker.dockerVolume(c as any, need.docker(t)),
  'docker.network': (c, t) => docker.dockerNetwork(c as any, need.docker(t)),
  'sandbox.command': (c, t) => sandbox.sandboxCommand(c as any, need.sandbox(t)),
  'sandbox.file': (c, t) => sandbox.sandboxFile(c as any, need.sandbox(t)),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export async function gradeChecks(checks: readonly Check[], targets: GradingTargets, opts: GradeOptions = {}): Promise<GradeResult> {
  const started = Date.now();
  const deadline = started + (opts.deadlineMs ?? 20_000);
  const results = await Promise.all(
    checks.map(async (check, index) => {
      const result = await runCheck(check, index, targets, deadline, opts);
      opts.onResult?.(result);
      return result;
    }),
  );
  const maxScore = results.reduce((sum, r) => sum + r.weight, 0);
  const score = results.reduce((sum, r) => sum + (r.passed ? r.weight : 0), 0);
  return { passed: results.every((r) => r.passed), score, maxScore, checks: results, durationMs: Date.now() - started };
}

async function runCheck(check: Check, index: number, targets: GradingTargets, deadline: number, opts: GradeOptions): Promise<CheckResult> {
  const started = Date.now();
  const id = check.id ?? String(index + 1);
  const weight = check.weight ?? 1;
  const waitUntil = Math.min(deadline, started + (check.timeout ? parseDuration(check.timeout) ?? 0 : 0));
  const pollMs = opts.pollMs ?? 250;
  const base = { id, type: check.type, weight, hint: check.hint };

  let last: Outcome | undefined;
  for (;;) {
    if (opts.signal?.aborted) return failure(base, started, last, 'grading was cancelled');
    try {
      last = await withDeadline(evaluators[check.type](check, targets), deadline);
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        const ms = deadline - started;
        const took = ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)}s`;
        return failure(base, started, last, `the check did not finish within ${took} (the sandbox may be overloaded or unreachable)`);
      }
      if (err instanceof GradingUnavailable) return failure(base, started, last, err.message);
      const message = err instanceof Error ? err.message : String(err);
      if (Date.now() + pollMs >= waitUntil) return failure(base, started, last, `could not read the sandbox state: ${message}`);
      await sleep(pollMs);
      continue;
    }
    if (last.passed || Date.now() + pollMs >= waitUntil) break;
    await sleep(pollMs);
  }
  const message = last.passed ? check.pass ?? capitalise(`${last.expected}: ${last.found}`) : check.fail ?? `Expected ${last.expected}, found ${last.found}`;
  return { ...base, passed: last.passed, message, expected: last.expected, found: last.found, durationMs: Date.now() - started };
}

function failure(base: Pick<CheckResult, 'id' | 'type' | 'weight' | 'hint'>, started: number, last: Outcome | undefined, error: string): CheckResult {
  return {
    ...base,
    passed: false,
    message: `Could not check: ${error}`,
    expected: last?.expected ?? '',
    found: last?.found ?? '',
    error,
    durationMs: Date.now() - started,
  };
}

class DeadlineExceeded extends Error {}

function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new DeadlineExceeded());
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded()), remaining);
    }),
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
