// `kubelab lessons test [lesson...] [--driver local|docker]`: every exercise, in a fresh sandbox:
// setup, checks must FAIL, solution, checks must PASS. Prints a table; exit 1 on any failure.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SandboxDriver, SandboxProfileName } from '../../../sandbox/driver';

const root = path.join(__dirname, '..', '..', '..');

export const lessonsTestHelp = `Usage: kubelab lessons test [LESSON...] [--driver local|docker] [--jobs N]

Runs every exercise's self-test in a fresh sandbox: lesson and exercise setup, the checks must
fail, the declared solution runs, the checks must pass. LESSON is a lesson key
(kubernetes/first-pods), a track (kubernetes) or a lesson folder. The local driver (default)
runs kubernetes lessons; docker/full lessons need --driver docker and are skipped otherwise.
`;

/** Profiles each driver can run. */
export const driverProfiles: Record<string, readonly SandboxProfileName[]> = {
  local: ['kubernetes'],
  docker: ['docker', 'kubernetes', 'full'],
};

export async function lessonsTest(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { driver: { type: 'string', default: 'local' }, jobs: { type: 'string', default: '1' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    err.write(`kubelab lessons test: ${(e as Error).message}\n\n${lessonsTestHelp}`);
    return 2;
  }
  if (parsed.values.help) {
    out.write(lessonsTestHelp);
    return 0;
  }
  const driverName = parsed.values.driver!;
  if (!driverProfiles[driverName]) {
    err.write(`kubelab lessons test: unknown driver "${driverName}" (local or docker)\n`);
    return 2;
  }
  const jobs = Number(parsed.values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16) {
    err.write('kubelab lessons test: --jobs must be a whole number from 1 to 16\n');
    return 2;
  }

  // Loaded on demand: other `kubelab` commands don't pay for the grader and the drivers.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { selectExercises } = require('../../../lib/grader/selftest-lessons') as typeof import('../../../lib/grader/selftest-lessons');
  const { selfTestExercise, formatSelfTestTable } = require('../../../lib/grader/selftest') as typeof import('../../../lib/grader/selftest');
  const { targetsFor } = require('../../../lib/submissions/targets') as typeof import('../../../lib/submissions/targets');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const selection = await selectExercises(parsed.positionals);
  for (const p of selection.problems) err.write(`kubelab lessons test: ${p}\n`);
  if (selection.exercises.length === 0) {
    out.write(selection.problems.length ? '' : 'no exercises to test\n');
    return selection.problems.length ? 1 : 0;
  }

  const driver = await makeDriver(driverName);
  const results: import('../../../lib/grader/selftest').SelfTestResult[] = [];
  try {
    const queue = [...selection.exercises];
    const worker = async () => {
      for (let ex = queue.shift(); ex; ex = queue.shift()) {
        results.push(
          await selfTestExercise(ex, {
            driver,
            supportedProfiles: driverProfiles[driverName],
            targets: (info, d) => targetsFor({ id: info.id, profile: info.profile, kubeconfigPath: info.kubeconfigPath, dockerHost: info.dockerHost, exec: (c, o) => d.exec(info.id, c, o) }),
            onResult: (r) => err.write(`  ${r.status === 'passed' ? 'ok  ' : r.status === 'skipped' ? 'skip' : 'FAIL'} ${r.lessonKey} ${r.exerciseId}\n`),
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  } finally {
    await (driver as { close?: () => Promise<void> }).close?.();
  }
  const order = (r: { lessonKey: string; exerciseId: string }) => selection.exercises.findIndex((e) => e.lessonKey === r.lessonKey && e.exerciseId === r.exerciseId);
  results.sort((a, b) => order(a) - order(b));
  out.write(formatSelfTestTable(results));
  return results.some((r) => r.status === 'failed') || selection.problems.length ? 1 : 0;
}

async function makeDriver(name: string): Promise<SandboxDriver> {
  const stateDir = path.resolve(process.env.KUBELAB_STATE_DIR ?? path.join(root, '.kubelab'), 'selftest');
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (name === 'docker') {
    const { DockerDriver } = require('../../../sandbox/drivers/docker') as typeof import('../../../sandbox/drivers/docker');
    return new DockerDriver({ stateDir });
  }
  const { LocalDriver } = require('../../../sandbox/drivers/local') as typeof import('../../../sandbox/drivers/local');
  const timeScale = process.env.KUBELAB_CLUSTER_TIMESCALE ? Number(process.env.KUBELAB_CLUSTER_TIMESCALE) : 0.05;
  // Local sandboxes are directories (home, cluster data): a scratch state dir, removed afterwards.
  mkdirSync(stateDir, { recursive: true });
  const scratch = mkdtempSync(path.join(stateDir, 'run-'));
  const driver = new LocalDriver({ stateDir: scratch, clusterTimeScale: timeScale });
  return Object.assign(driver, { close: async () => rmSync(scratch, { recursive: true, force: true }) });
  /* eslint-enable @typescript-eslint/no-require-imports */
}
