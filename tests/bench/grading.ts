// Benchmark: server-side grading latency through the whole path (lesson definition, rate limiter,
// Kubernetes API reads with the official client against a real mini-cluster, submission stored in
// SQLite), for an exercise with 5 checks.
// Run: npx tsx tests/bench/grading.ts [gradings=200] [sandboxes=50]
// Prints p50/p95 of sequential gradings on one sandbox (target p95 < 150 ms) and the latency of
// N concurrent gradings against N sandboxes (one mini-cluster each).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '../../lib/auth/users';
import { createDb } from '../../lib/db';
import { prepareDatabase } from '../../lib/db/prepare';
import { checkSchema } from '../../lib/grader/schema';
import type { ExerciseDefinition } from '../../lib/lessons/loader';
import { RateLimiter } from '../../lib/security/rate-limit';
import { gradeExercise, type GradeDeps, type GradableSandbox } from '../../lib/submissions';
import { LocalDriver } from '../../sandbox/drivers/local';

const GRADINGS = Number(process.argv[2] ?? 200);
const SANDBOXES = Number(process.argv[3] ?? 50);

const checks = [
  { type: 'k8s.exists', id: 'exists', kind: 'Deployment', name: 'web' },
  { type: 'k8s.field', id: 'image', kind: 'Deployment', name: 'web', path: 'spec.template.spec.containers[0].image', expect: { matches: '^nginx' } },
  { type: 'k8s.ready', id: 'ready', kind: 'Deployment', name: 'web', replicas: 3 },
  { type: 'k8s.podsRunning', id: 'pods', selector: 'app=web', count: 3 },
  { type: 'k8s.spread', id: 'spread', selector: 'app=web', nodes: { gte: 2 } },
].map((c) => checkSchema.parse(c));

const definition: ExerciseDefinition = {
  lessonKey: 'bench/grading',
  profile: 'kubernetes',
  lessonSetup: [],
  exercise: { id: 'web', title: 'web', hints: [], setup: [], solution: ['kubectl create deployment web --image=nginx --replicas=3'], checks },
  checks,
};

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function report(label: string, samples: number[]): void {
  process.stdout.write(`${label.padEnd(34)} n=${String(samples.length).padStart(4)}  p50 ${pct(samples, 50).toFixed(1)} ms  p95 ${pct(samples, 95).toFixed(1)} ms  max ${Math.max(...samples).toFixed(1)} ms\n`);
}

async function main(): Promise<void> {
  // The bench measures grading, not the per-learner rate limit.
  (globalThis as unknown as { kubelabLimiters: Map<string, RateLimiter> }).kubelabLimiters = new Map([['grade', new RateLimiter(1e9, 60_000)]]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-grading-'));
  const url = `file:${path.join(dir, 'bench.db')}`;
  await prepareDatabase(() => undefined, url);
  const db = createDb(url);
  const driver = new LocalDriver({ stateDir: dir, clusterTimeScale: 0 });

  const sandboxes: GradableSandbox[] = [];
  const users: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < SANDBOXES; i++) {
    const id = `bench-${i}`;
    const info = await driver.create({ id, userId: id, profile: 'kubernetes', setup: ['kubectl create deployment web --image=nginx --replicas=3'] });
    if (info.state !== 'running') throw new Error(`sandbox ${id}: ${info.message}`);
    sandboxes.push({ id, kubeconfigPath: info.kubeconfigPath, exec: (command, opts) => driver.exec(id, command, opts) });
    users.push((await createUser(db, { email: `learner${i}@bench.test`, password: 'longenough' })).id);
  }
  process.stdout.write(`${SANDBOXES} sandboxes (mini-clusters) ready in ${((performance.now() - t0) / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`);

  const deps = (sandbox: GradableSandbox): GradeDeps => ({ db, definition: () => definition, sandbox: async () => sandbox, exerciseIds: () => ['web'] });
  // Wait until the deployments converged (every check passes) so every grading does the same work.
  for (let i = 0; i < SANDBOXES; i++) {
    for (let attempt = 0; ; attempt++) {
      const r = await gradeExercise({ userId: users[i], lessonKey: 'bench/grading', exerciseId: 'web' }, { ...deps(sandboxes[i]), options: { deadlineMs: 10_000 } });
      if (r.passed) break;
      if (attempt > 120) throw new Error(`sandbox ${i} never passed: ${r.checks.filter((c) => !c.passed).map((c) => c.message).join('; ')}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }

  const sequential: number[] = [];
  for (let i = 0; i < GRADINGS; i++) {
    const t = performance.now();
    const r = await gradeExercise({ userId: users[0], lessonKey: 'bench/grading', exerciseId: 'web' }, deps(sandboxes[0]));
    sequential.push(performance.now() - t);
    if (!r.passed) throw new Error('grading unexpectedly failed');
  }
  report('grading, 5 checks, sequential', sequential);

  for (let round = 0; round < 3; round++) {
    const concurrent: number[] = [];
    const t = performance.now();
    await Promise.all(
      sandboxes.map(async (sb, i) => {
        const s = performance.now();
        const r = await gradeExercise({ userId: users[i], lessonKey: 'bench/grading', exerciseId: 'web' }, deps(sb));
        concurrent.push(performance.now() - s);
        if (!r.passed) throw new Error(`concurrent grading ${i} failed`);
      }),
    );
    report(`${SANDBOXES} concurrent gradings (round ${round + 1})`, concurrent);
    process.stdout.write(`${''.padEnd(34)} wall ${(performance.now() - t).toFixed(0)} ms\n`);
  }
  process.stdout.write(`submissions stored: ${await db.submission.count()}\n`);

  for (const sb of sandboxes) await driver.stop(sb.id);
  await db.$disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
