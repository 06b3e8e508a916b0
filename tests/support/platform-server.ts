// The real product for end-to-end tests, screenshots and benchmarks: server.ts (Next's production
// build plus the terminal WebSocket) as a child process on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface PlatformServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  child: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts server.ts with the given environment on top of the caller's (PORT, HOST and NEXTAUTH_URL
 * are set here) and resolves once it prints "ready on"; rejects with the log's tail if it exits or
 * takes longer than `timeoutMs`.
 */
export async function startPlatformServer(env: Record<string, string>, timeoutMs = 120_000): Promise<PlatformServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'server.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NEXTAUTH_URL: base },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const until = Date.now() + timeoutMs;
  while (!/ready on/.test(log)) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`server did not start:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, child, log: () => log, stop };
}
