// `kubelab start` (what `npm start` runs): everything a fresh checkout needs, then the server.
// Prepares the database and kubectl, builds the Next app when the build is missing or older than
// the sources, and serves pages, APIs and the terminal WebSocket on one port.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CommandGroup } from '../types';
import { runPrepare } from './prepare';

const root = path.join(__dirname, '..', '..', '..');
const BUILD_ID = path.join(root, '.next', 'BUILD_ID');
/** What goes into the Next build; a change in any of these makes the build stale. */
const BUILD_INPUTS = ['app', 'lib', 'sandbox', 'public', 'next.config.js', 'package.json', 'tsconfig.json'];
const SKIP = new Set(['node_modules', '.next', 'generated', 'cluster']);

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) {
    if (SKIP.has(entry)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function buildIsStale(): boolean {
  if (!existsSync(BUILD_ID)) return true;
  const built = statSync(BUILD_ID).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtime(path.join(root, input)) > built);
}

function parse(args: string[]): { dev: boolean; port?: number; rebuild: boolean } {
  const out = { dev: false, rebuild: false, port: undefined as number | undefined };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--dev') out.dev = true;
    else if (a === '--rebuild') out.rebuild = true;
    else if (a === '--port') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`--port needs a number between 1 and 65535, got "${args[i] ?? ''}"`);
      out.port = n;
    } else throw new Error(`unknown option "${a}" (usage: kubelab start [--dev] [--port N] [--rebuild])`);
  }
  return out;
}

export const group: CommandGroup = {
  name: 'start',
  summary: 'Prepare, build if needed and start the platform (what `npm start` runs)',
  async run(args) {
    const opts = parse(args);
    await runPrepare();
    if (!opts.dev && (opts.rebuild || buildIsStale())) {
      process.stdout.write('kubelab: building the web app (first start or changed sources; about a minute)\n');
      const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
      const built = spawnSync(process.execPath, [next, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
      if (built.status !== 0) {
        process.stderr.write('kubelab: the web app did not build (see above)\n');
        return 1;
      }
    }
    process.env.KUBELAB_ROOT ??= root;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startServer } = require(path.join(root, 'server.ts')) as typeof import('../../../server');
    const server = await startServer({ dev: opts.dev, port: opts.port });
    process.stdout.write(`kubelab: ready on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve, resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
