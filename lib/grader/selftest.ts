// Lesson self-tests for instructors (`kubelab lessons test`): for every exercise, in a fresh
// sandbox, run the setup, require the checks to FAIL, run the declared solution, require them
// to PASS. Proves each exercise is solvable and that its checks actually look at something.
import { randomBytes } from 'node:crypto';
import type { SandboxDriver, SandboxProfileName } from '../../sandbox/driver';
import type { GradingTargets } from './targets';
import { gradeChecks, type GradeResult } from './engine';
import type { Check } from './schema';

export interface SelfTestExercise {
  lessonKey: string;
  profile: SandboxProfileName;
  lessonSetup: string[];
  exerciseId: string;
  setup: string[];
  solution: string[];
  checks: Check[];
}

export type SelfTestStatus = 'passed' | 'failed' | 'skipped';

export interface SelfTestResult {
  lessonKey: string;
  exerciseId: string;
  status: SelfTestStatus;
  /** Why it failed or was skipped. */
  reason?: string;
  /** Checks that passed before the solution (they check nothing the learner does). */
  passedBefore?: string[];
  durationMs: number;
}

export interface SelfTestOptions {
  driver: SandboxDriver;
  /** Profiles this driver can run; other lessons are skipped with a reason. */
  supportedProfiles: readonly SandboxProfileName[];
  targets(info: { id: string; profile?: string; kubeconfigPath?: string; dockerHost?: string }, driver: SandboxDriver): GradingTargets;
  /** How long the solution may take to converge (pods becoming ready…). Default 90 s. */
  settleMs?: number;
  onResult?: (r: SelfTestResult) => void;
}

const COMMAND_TIMEOUT_MS = 120_000;

export async function selfTestExercise(ex: SelfTestExercise, opts: SelfTestOptions): Promise<SelfTestResult> {
  const started = Date.now();
  const base = { lessonKey: ex.lessonKey, exerciseId: ex.exerciseId };
  const done = (status: SelfTestStatus, reason?: string, extra: Partial<SelfTestResult> = {}): SelfTestResult => {
    const r = { ...base, status, ...(reason ? { reason } : {}), ...extra, durationMs: Date.now() - started };
    opts.onResult?.(r);
    return r;
  };
  if (!opts.supportedProfiles.includes(ex.profile)) {
    return done('skipped', `sandbox profile "${ex.profile}" needs the ${ex.profile === 'docker' || ex.profile === 'full' ? 'docker' : 'local'} driver (this run uses ${opts.driver.name})`);
  }
  const id = `selftest-${randomBytes(5).toString('hex')}`;
  try {
    const info = await opts.driver.create({ id, userId: 'lessons-selftest', profile: ex.profile, setup: [] });
    if (info.state !== 'running') return done('failed', `the sandbox did not start: ${info.message ?? info.state}`);
    for (const [phase, commands] of [
      ['lesson setup', ex.lessonSetup],
      ['exercise setup', ex.setup],
    ] as const) {
      const failure = await runAll(opts.driver, id, commands);
      if (failure) return done('failed', `${phase}: ${failure}`);
    }
    const targets = opts.targets(info, opts.driver);
    // Before the solution the exercise must not pass; no timeouts here (waiting would only slow the test down).
    const before = await gradeChecks(ex.checks.map((c) => ({ ...c, timeout: undefined })), targets, { deadlineMs: 30_000 });
    const passedBefore = before.checks.filter((c) => c.passed).map((c) => c.id);
    if (before.passed) return done('failed', 'the checks already pass before the solution: they do not test the exercise', { passedBefore });
    const failure = await runAll(opts.driver, id, ex.solution);
    if (failure) return done('failed', `solution: ${failure}`, { passedBefore });
    const after = await gradeUntilPassed(ex.checks, targets, opts.settleMs ?? 90_000);
    if (!after.passed) return done('failed', `after the solution: ${after.checks.filter((c) => !c.passed).map((c) => `[${c.id}] ${c.message}`).join('; ')}`, { passedBefore });
    return done('passed', undefined, { passedBefore });
  } catch (err) {
    return done('failed', err instanceof Error ? err.message : String(err));
  } finally {
    // A self-test sandbox is thrown away entirely (drivers that keep learners' work have reset()).
    const driver = opts.driver as SandboxDriver & { reset?: (id: string) => Promise<void> };
    await (driver.reset ? driver.reset(id) : driver.stop(id)).catch(() => undefined);
  }
}

async function runAll(driver: SandboxDriver, id: string, commands: string[]): Promise<string | undefined> {
  for (const command of commands) {
    const r = await driver.exec(id, command, { timeoutMs: COMMAND_TIMEOUT_MS });
    if (r.exitCode !== 0) return `\`${command}\` exited with ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
  }
  return undefined;
}

/** Re-grades until the exercise passes or `settleMs` is over (the cluster converges asynchronously). */
async function gradeUntilPassed(checks: Check[], targets: GradingTargets, settleMs: number): Promise<GradeResult> {
  const until = Date.now() + settleMs;
  for (;;) {
    const remaining = until - Date.now();
    const result = await gradeChecks(checks, targets, { deadlineMs: Math.max(5_000, Math.min(remaining, 30_000)) });
    if (result.passed || Date.now() >= until) return result;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function formatSelfTestTable(results: SelfTestResult[]): string {
  const rows = results.map((r) => [r.lessonKey, r.exerciseId, r.status.toUpperCase(), `${(r.durationMs / 1000).toFixed(1)}s`, r.reason ?? '']);
  const header = ['LESSON', 'EXERCISE', 'RESULT', 'TIME', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const counts = (s: SelfTestStatus) => results.filter((r) => r.status === s).length;
  return [line(header), ...rows.map(line), '', `${counts('passed')} passed, ${counts('failed')} failed, ${counts('skipped')} skipped`].join('\n') + '\n';
}
