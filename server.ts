// One port for everything: Next.js pages and APIs, and the terminal WebSocket.
import http from 'node:http';
import next from 'next';
import { config } from './lib/config';
import { db } from './lib/db';
import { getUserFromCookieHeader } from './lib/auth/session';
import { ensureBootstrapAdmin } from './lib/auth/users';
import { sandboxManager } from './sandbox/platform';
import { TerminalBridge } from './sandbox/terminal/bridge';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: { dev?: boolean; port?: number; host?: string; quiet?: boolean } = {}): Promise<RunningServer> {
  const cfg = config();
  const port = opts.port ?? cfg.port;
  const host = opts.host ?? cfg.host;
  if (await ensureBootstrapAdmin(db(), cfg.bootstrapAdmin)) console.log(`kubelab: created admin ${cfg.bootstrapAdmin!.email}`);

  const app = next({ dev: opts.dev ?? false, hostname: host, port, dir: __dirname, quiet: opts.quiet });
  await app.prepare();
  const handle = app.getRequestHandler();
  const nextUpgrade = app.getUpgradeHandler();
  const manager = sandboxManager();
  const bridge = new TerminalBridge({ manager, authenticate: (cookie) => getUserFromCookieHeader(cookie) });
  // After a reset the old sandbox's output must not be replayed into the fresh one's terminal.
  const stopForgetting = manager.onReset((id) => bridge.forget(id));

  const server = http.createServer((req, res) => void handle(req, res));
  // Claim only our WebSocket path; everything else (e.g. HMR on /_next/hmr) goes to Next.
  server.on('upgrade', (req, socket, head) => {
    if (!bridge.handleUpgrade(req, socket, head)) void nextUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
  return {
    url,
    async close() {
      stopForgetting();
      bridge.close();
      await manager.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close?.();
    },
  };
}

if (require.main === module) {
  const dev = process.argv.includes('--dev');
  startServer({ dev }).then(
    (s) => {
      const cfg = config();
      console.log(`kubelab: ready on ${s.url} (${dev ? 'development' : 'production'}, sandbox driver ${cfg.sandboxDriver})`);
      if (cfg.sandboxDriver === 'local' && cfg.allowRemote) console.warn('kubelab: WARNING: the local driver gives every signed-in user a shell on this machine, and KUBELAB_ALLOW_REMOTE=1 exposes it beyond loopback');
      const stop = () => void s.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error(`kubelab: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
