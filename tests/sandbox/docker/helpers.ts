// Shared set-up for the Docker sandbox integration tests: a reachable Docker engine and the images
// the tests use (built and cached by the same pipeline as `kubelab sandbox build`). Without Docker
// the tests fail loudly in CI (CI=true) and are skipped with a printed reason elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerDriver, type DockerDriverOptions } from '@/sandbox/drivers/docker';
import type { ExecResult } from '@/sandbox/driver';

export const repoStateDir = path.resolve(process.env.KUBELAB_STATE_DIR ?? path.join(__dirname, '..', '..', '..', '.kubelab'));
/** The images these tests need: the sandbox itself, the registry that serves the mirror, nginx and busybox. */
export const TEST_IMAGES = ['kubelab/sandbox', 'registry:2', 'nginx:latest', 'busybox:latest'];

function dockerReachable(): string | undefined {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
    return undefined;
  } catch (err) {
    return `Docker is not available (${(err as Error).message.split('\n')[0]}); run: bash scripts/install-system-deps.sh`;
  }
}

const missing = dockerReachable();
if (missing && process.env.CI === 'true') throw new Error(`Docker sandbox tests need a Docker engine in CI: ${missing}`);
if (missing) console.warn(`skipping Docker sandbox tests: ${missing}`);

/** `describe` that runs only when Docker is there (and fails in CI when it is not, above). */
export const describeDocker: jest.Describe = missing ? describe.skip : describe;

let built: Promise<void> | undefined;
/** Builds (or confirms, in seconds) the test images and the mirror. */
export function ensureTestImages(): Promise<void> {
  built ??= (async () => {
    const { buildImages } = await import('@/sandbox/images/builder');
    const report = await buildImages({ stateDir: repoStateDir, only: TEST_IMAGES, log: (l) => console.log(l) });
    if (report.built.length) console.log(`built ${report.built.join(', ')} in ${(report.durationMs / 1000).toFixed(1)}s`);
  })();
  return built;
}

export function testDriver(opts: Partial<DockerDriverOptions> = {}): DockerDriver {
  return new DockerDriver({
    stateDir: repoStateDir,
    recordsDir: mkdtempSync(path.join(os.tmpdir(), 'kubelab-docker-records-')),
    settings: { memoryBytes: 768 * 1024 ** 2, pidsLimit: 512, maxPerUser: 5, ...opts.settings },
    ...opts,
  });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function expectOk(r: ExecResult, what: string): ExecResult {
  if (r.exitCode !== 0) throw new Error(`${what} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

export function dockerCli(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
}
