// `kubelab lessons test`: the fixture lessons exercise every outcome (pass, fail, skip) against real
// mini-clusters; then every lesson in lessons/ must self-test green on this machine's driver.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { lessonsTest } from '../../scripts/cli/commands/lessons-test';

const fixtures = path.join(__dirname, 'fixtures', 'lessons');

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

async function run(args: string[], lessonsDir: string) {
  const saved = { lessons: process.env.KUBELAB_LESSONS_DIR, state: process.env.KUBELAB_STATE_DIR };
  process.env.KUBELAB_LESSONS_DIR = lessonsDir;
  process.env.KUBELAB_STATE_DIR = mkdtempSync(path.join(os.tmpdir(), 'kubelab-selftest-'));
  const out = sink();
  const err = sink();
  try {
    const code = await lessonsTest(args, out, err);
    return { code, out: out.text, err: err.text };
  } finally {
    process.env.KUBELAB_LESSONS_DIR = saved.lessons;
    process.env.KUBELAB_STATE_DIR = saved.state;
  }
}

/** The Docker driver needs a reachable daemon and the sandbox image (`kubelab sandbox build`). */
function dockerDriverUsable(): boolean {
  if (!existsSync('/var/run/docker.sock')) return false;
  try {
    execFileSync('docker', ['image', 'inspect', 'kubelab/sandbox:latest'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
const withDocker = dockerDriverUsable() ? it : it.skip;

const rowOf = (table: string, lesson: string, exercise: string) => table.split('\n').find((l) => l.startsWith(lesson + ' ') && l.includes(` ${exercise} `));

describe('kubelab lessons test', () => {
  it('passes solvable exercises and skips lessons the local driver cannot run', async () => {
    const r = await run(['kubernetes/first-deployment', 'docker'], fixtures);
    expect(r.err).toBe('  skip docker/run-nginx run\n  ok   kubernetes/first-deployment create-web\n  ok   kubernetes/first-deployment scale-web\n');
    expect(r.out.split('\n')[0]).toMatch(/^LESSON\s+EXERCISE\s+RESULT\s+TIME\s+DETAIL$/);
    expect(rowOf(r.out, 'docker/run-nginx', 'run')).toMatch(/SKIPPED\s+\d+\.\ds\s+sandbox profile "docker" needs the docker driver \(this run uses local\)$/);
    expect(rowOf(r.out, 'kubernetes/first-deployment', 'create-web')).toMatch(/PASSED\s+\d+\.\ds$/);
    expect(rowOf(r.out, 'kubernetes/first-deployment', 'scale-web')).toMatch(/PASSED\s+\d+\.\ds$/);
    expect(r.out).toContain('2 passed, 0 failed, 1 skipped');
    expect(r.code).toBe(0);
  }, 240_000);

  it('fails an exercise whose checks already pass before the solution, with exit code 1', async () => {
    const r = await run(['kubernetes/checks-nothing'], fixtures);
    expect(rowOf(r.out, 'kubernetes/checks-nothing', 'nothing')).toMatch(/FAILED\s+\d+\.\ds\s+the checks already pass before the solution: they do not test the exercise$/);
    expect(r.code).toBe(1);
  }, 240_000);

  it('reports selectors that match nothing and bad options', async () => {
    const r = await run(['kubernetes/no-such-lesson'], fixtures);
    expect(r.err).toContain(`kubelab lessons test: no lesson matches "kubernetes/no-such-lesson" in ${fixtures}`);
    expect(r.code).toBe(1);
    const bad = await run(['--driver', 'vagrant'], fixtures);
    expect(bad).toMatchObject({ code: 2, err: 'kubelab lessons test: unknown driver "vagrant" (local or docker)\n' });
  }, 60_000);

  it('every lesson in lessons/ self-tests green on the local driver (docker/full lessons skipped)', async () => {
    const r = await run(['--jobs', '2'], path.join(__dirname, '..', '..', 'lessons'));
    const failed = r.out.split('\n').filter((l) => / FAILED /.test(l));
    expect(failed).toEqual([]);
    expect(r.code).toBe(0);
  }, 1_200_000);

  withDocker('the Docker driver runs docker lessons (fixture)', async () => {
    const r = await run(['docker/run-nginx', '--driver', 'docker'], fixtures);
    expect(rowOf(r.out, 'docker/run-nginx', 'run')).toMatch(/PASSED\s+\d+\.\ds$/);
    expect(r.code).toBe(0);
  }, 600_000);

  withDocker('every docker/full lesson in lessons/ self-tests green on the Docker driver', async () => {
    const lessonsDir = path.join(__dirname, '..', '..', 'lessons');
    const saved = process.env.KUBELAB_LESSONS_DIR;
    process.env.KUBELAB_LESSONS_DIR = lessonsDir;
    const { loadCatalog } = await import('@/lib/lessons');
    const catalog = await loadCatalog().finally(() => (process.env.KUBELAB_LESSONS_DIR = saved));
    const keys = catalog.tracks.flatMap((t) => t.lessons).filter((l) => (l.profile === 'docker' || l.profile === 'full') && l.exerciseCount > 0).map((l) => l.key);
    if (keys.length === 0) return;
    const r = await run([...keys, '--driver', 'docker', '--jobs', '2'], lessonsDir);
    expect(r.out.split('\n').filter((l) => / FAILED /.test(l))).toEqual([]);
    expect(r.code).toBe(0);
  }, 3_600_000);
});
