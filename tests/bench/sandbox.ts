// Benchmark: Docker sandboxes. Start-to-prompt latency cold (new container: inner dockerd and, for
// `full`, the mini-cluster Ready) and warm (claimed from the pre-started pool), memory per idle
// sandbox, and an honest extrapolation of how many idle sandboxes this host holds.
// Run: npx tsx tests/bench/sandbox.ts [cold=3] [warm=5] [idle=6]
// Needs Docker and the images (`npx kubelab sandbox build`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerDriver } from '../../sandbox/drivers/docker';

const [COLD, WARM, IDLE] = [3, 5, 6].map((d, i) => Number(process.argv[2 + i] ?? d));
const stateDir = path.resolve(process.env.KUBELAB_STATE_DIR ?? path.join(__dirname, '..', '..', '.kubelab'));

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const line = (label: string, samples: number[]) =>
  process.stdout.write(`${label.padEnd(36)} n=${samples.length}  p50 ${pct(samples, 50).toFixed(0)} ms  max ${Math.max(...samples).toFixed(0)} ms\n`);

function memoryMiB(names: string[]): number[] {
  const out = execFileSync('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...names], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => {
      const m = /\s([\d.]+)(KiB|MiB|GiB)/.exec(l);
      if (!m) return NaN;
      return Number(m[1]) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 } as Record<string, number>)[m[2]];
    });
}

/** Time until a shell in the sandbox answers (what a learner waits for after pressing Start). */
async function startToPrompt(driver: DockerDriver, id: string, profile: 'docker' | 'full'): Promise<number> {
  const t0 = performance.now();
  const info = await driver.create({ id, userId: `bench-${id}`, profile });
  if (info.state !== 'running') throw new Error(`${id}: ${info.message}`);
  const pty = await driver.attach(id, { cols: 80, rows: 24 });
  await new Promise<void>((resolve) => {
    let out = '';
    pty.onData((d) => {
      out += d;
      if (/[#$] $/.test(out.replace(/\x1b\[[0-9;]*m/g, ''))) resolve();
    });
  });
  const ms = performance.now() - t0;
  pty.dispose();
  return ms;
}

/** Milestones the entrypoint logs (sandbox/image/entrypoint.sh), as ms since the entrypoint started. */
async function startupMilestones(driver: DockerDriver, id: string): Promise<Map<string, number>> {
  const r = await driver.exec(id, 'cat /var/log/kubelab/startup.log');
  const marks = r.stdout
    .trim()
    .split('\n')
    .map((l) => /^(\d+\.\d+) (.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  const t0 = marks.length ? Number(marks[0][1]) : 0;
  return new Map(marks.slice(1).map((m) => [m[2], (Number(m[1]) - t0) * 1000]));
}

async function main(): Promise<void> {
  const recordsDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-'));
  const ids: string[] = [];
  const cold = new DockerDriver({ stateDir, recordsDir, settings: { maxPerUser: 100 } });
  await cold.preflight();
  try {
    for (const profile of ['docker', 'full'] as const) {
      const samples: number[] = [];
      const phases = new Map<string, number[]>();
      for (let i = 0; i < COLD; i++) {
        const id = `bench-cold-${profile}-${i}`;
        ids.push(id);
        samples.push(await startToPrompt(cold, id, profile));
        for (const [label, ms] of await startupMilestones(cold, id)) phases.set(label, [...(phases.get(label) ?? []), ms]);
        await cold.reset(id);
      }
      line(`cold start-to-prompt (${profile})`, samples);
      const inside = [...phases].map(([label, ms]) => `${label} +${pct(ms, 50).toFixed(0)}`).join(', ');
      if (inside) process.stdout.write(`  inside the sandbox (p50 ms after the entrypoint started): ${inside}\n`);
    }

    const warm = new DockerDriver({ stateDir, recordsDir, settings: { warmPool: 2, maxPerUser: 100 } });
    const samples: number[] = [];
    for (let i = 0; i < WARM; i++) {
      await warm.fillPool();
      const id = `bench-warm-${i}`;
      ids.push(id);
      samples.push(await startToPrompt(warm, id, 'full'));
      await warm.reset(id);
    }
    line('warm start-to-prompt (full, pool)', samples);
    await warm.close();
    for (const name of execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=kubelab-pool-'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      execFileSync('docker', ['rm', '-f', name]);
      for (const v of ['docker', 'home', 'cluster']) execFileSync('docker', ['volume', 'rm', '-f', `${name}-${v}`]);
      try {
        execFileSync('docker', ['network', 'disconnect', '-f', name, 'kubelab-mirror'], { stdio: 'ignore' });
        execFileSync('docker', ['network', 'rm', name], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }

    const idle: string[] = [];
    for (let i = 0; i < IDLE; i++) {
      const id = `bench-idle-${i}`;
      ids.push(id);
      idle.push(id);
      await cold.create({ id, userId: `bench-idle-${i}`, profile: 'full' });
    }
    await new Promise((r) => setTimeout(r, 10_000)); // let start-up work settle
    const mem = memoryMiB(idle.map((id) => `kubelab-sbx-${id}`));
    const avg = mem.reduce((a, b) => a + b, 0) / mem.length;
    process.stdout.write(`idle sandbox memory (full profile)   n=${mem.length}  avg ${avg.toFixed(1)} MiB  max ${Math.max(...mem).toFixed(1)} MiB\n`);
    const load = os.loadavg()[0];
    const total = os.totalmem() / 1024 ** 2;
    const byMemory = Math.floor((total * 0.85) / avg);
    process.stdout.write(
      `extrapolation (not measured at that scale): ${(total / 1024).toFixed(0)} GiB host, 85% usable -> about ${byMemory} idle full sandboxes by memory; ` +
        `CPU of ${IDLE} idle sandboxes: load average ${load.toFixed(2)} on ${os.cpus().length} cores (includes other work on this host)\n`,
    );
  } finally {
    for (const id of ids) await cold.reset(id).catch(() => undefined);
    await cold.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
