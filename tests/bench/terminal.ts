// Benchmark (prints figures, asserts nothing):
//  1. keystroke round trip through the terminal WebSocket bridge to a real pty (local driver):
//     one keystroke sent, time until the shell's echo comes back; p50/p99 over N keystrokes.
//  2. lesson page TTFB: the production server (server.ts) with a signed-in learner, cold and warm.
// Targets: p99 < 10 ms on loopback; warm TTFB < 100 ms.
// Usage: npx tsx tests/bench/terminal.ts [keystrokes=1000] [ttfbRequests=30]   (0 requests: no TTFB part)
//        (the TTFB part needs `next build`; it is skipped with a note when the build is missing or stale)
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encode } from 'next-auth/jwt';
import { WebSocket } from 'ws';
import { createUser } from '../../lib/auth/users';
import { createDb } from '../../lib/db';
import { prepareDatabase } from '../../lib/db/prepare';
import { loadCatalog } from '../../lib/lessons';
import { buildIsStale } from '../../scripts/cli/commands/start';
import { LocalDriver } from '../../sandbox/drivers/local';
import { SandboxManager } from '../../sandbox/manager';
import { TerminalBridge } from '../../sandbox/terminal/bridge';
import { startPlatformServer } from '../support/platform-server';

const KEYSTROKES = Number(process.argv[2] ?? 1000);
const TTFB_REQUESTS = Number(process.argv[3] ?? 30);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function summary(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `n=${s.length} p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms, mean ${mean.toFixed(2)} ms`;
}

async function keystrokeRoundTrip(): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-terminal-'));
  const manager = new SandboxManager(new LocalDriver({ stateDir }));
  const bridge = new TerminalBridge({ manager, authenticate: async () => ({ id: 'bench-user' }) });
  const server = http.createServer((_, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    if (!bridge.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  try {
    const ws = new WebSocket(`ws://${host}/api/terminal?profile=none&cols=200&rows=50`, { headers: { origin: `http://${host}` } });
    let output = '';
    let onOutput: ((chunk: string) => void) | undefined;
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; data?: string };
      if (m.type === 'output') {
        output += m.data;
        onOutput?.(m.data ?? '');
      }
    });
    await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
    const send = (data: string) => ws.send(JSON.stringify({ type: 'input', data }));
    // Wait for an interactive prompt: a marker echoed by the shell itself.
    send('echo bench-re""ady\r');
    for (let i = 0; i < 1500 && !/bench-ready/.test(output); i++) await new Promise((r) => setTimeout(r, 20));
    if (!/bench-ready/.test(output)) throw new Error(`the shell never answered: ${JSON.stringify(output.slice(-300))}`);
    await new Promise((r) => setTimeout(r, 300));

    const samples: number[] = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      // Alternate a letter and a backspace so the line stays short; readline echoes the letter,
      // and answers the backspace with a cursor move left. Waiting for that exact echo keeps a
      // late piece of the previous echo from ending this measurement.
      const key = i % 2 === 0 ? 'x' : '\x7f';
      const expected = i % 2 === 0 ? 'x' : '\b';
      const echoed = new Promise<void>((resolve) => (onOutput = (chunk) => chunk.includes(expected) && resolve()));
      const t0 = performance.now();
      send(key);
      await echoed;
      samples.push(performance.now() - t0);
      onOutput = undefined;
    }
    console.log(`keystroke round trip (WebSocket -> bridge -> node-pty -> bash echo -> WebSocket): ${summary(samples)}  [target p99 < 10 ms]`);
    ws.close();
  } finally {
    bridge.close();
    await manager.shutdown();
    server.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Milliseconds until the response's first body byte arrives. */
function ttfb(url: string, cookie: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers: { cookie, 'accept-language': 'en' } }, (res) => {
      res.once('data', () => {
        const ms = performance.now() - t0;
        res.resume();
        res.once('end', () => resolve({ ms, status: res.statusCode ?? 0 }));
      });
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

async function lessonPageTtfb(): Promise<void> {
  if (TTFB_REQUESTS < 1) return;
  if (buildIsStale()) {
    console.log('lesson page TTFB: skipped (no current production build; run `npx next build` or `npm start` once, then re-run)');
    return;
  }
  const catalog = await loadCatalog();
  const lesson = catalog.tracks.flatMap((t) => t.lessons)[0];
  if (!lesson) {
    console.log('lesson page TTFB: skipped (no lessons in the catalog)');
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-ttfb-'));
  const url = `file:${path.join(tmp, 'bench.db')}`;
  await prepareDatabase(() => undefined, url);
  const db = createDb(url);
  const user = await createUser(db, { email: 'bench@example.com', password: 'bench-password-1' });
  await db.$disconnect();
  const secret = 'bench-terminal-secret-0123456789abcdef';
  const cookie = `next-auth.session-token=${await encode({ token: { uid: user.id, role: user.role, email: user.email }, secret })}`;
  const server = await startPlatformServer({ DATABASE_URL: url, NEXTAUTH_SECRET: secret, KUBELAB_STATE_DIR: path.join(tmp, 'state'), KUBELAB_SANDBOX_DRIVER: 'local', NODE_ENV: 'production' });
  const { base } = server;
  try {
    for (const [name, pagePath] of [
      ['catalog', '/'],
      [`lesson ${lesson.key}`, `/lessons/${lesson.key}`],
    ] as const) {
      const cold = await ttfb(base + pagePath, cookie);
      if (cold.status !== 200) throw new Error(`${pagePath} answered ${cold.status}`);
      const warm: number[] = [];
      for (let i = 0; i < TTFB_REQUESTS; i++) warm.push((await ttfb(base + pagePath, cookie)).ms);
      console.log(`${name} TTFB: first ${cold.ms.toFixed(1)} ms; warm ${summary(warm)}  [target warm < 100 ms]`);
    }
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await keystrokeRoundTrip();
  await lessonPageTtfb();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
