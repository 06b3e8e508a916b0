// The mini-cluster as the sandbox image carries it: sandbox/image/cluster-up.ts and everything it
// imports (cluster code and npm packages), bundled by esbuild into one CommonJS file that plain node
// runs, next to the data files the code reads at run time through `__dirname`. Compiling the
// TypeScript on every sandbox start (tsx) cost about two seconds of a full sandbox's start.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** The bundle's file name; the entrypoint runs it from CLUSTER_BUNDLE_IMAGE_DIR (catalog.ts). */
export const CLUSTER_BUNDLE_ENTRY = 'cluster-up.js';

function findRepoRoot(): string {
  const isRoot = (dir: string) => existsSync(path.join(dir, 'sandbox', 'image', 'cluster-up.ts'));
  for (const candidate of [path.resolve(__dirname, '..', '..'), process.cwd()]) if (isRoot(candidate)) return candidate;
  throw new Error(`cannot find the repository (sandbox/image/cluster-up.ts) from ${__dirname} or ${process.cwd()}`);
}

/**
 * Files the bundled code opens relative to its own directory: `__dirname` in the bundle is the bundle's
 * directory, so each source directory's files go where its `join(__dirname, ...)` now points.
 */
const DATA_FILES: { from: string; to: string; keep?: (name: string) => boolean }[] = [
  // sandbox/cluster/apiserver/protobuf/index.ts: join(__dirname, 'proto')
  { from: 'sandbox/cluster/apiserver/protobuf/proto', to: 'proto' },
  // sandbox/cluster/apiserver/openapi/swagger.ts: join(__dirname, 'data', '*.json.gz')
  { from: 'sandbox/cluster/apiserver/openapi/data', to: 'data', keep: (name) => name.endsWith('.json.gz') },
  // dockerode's BuildKit session protos (path.resolve(__dirname, 'proto', ...)); no name clash with ours
  { from: 'node_modules/dockerode/lib/proto', to: 'proto' },
];

const STUBBED_PACKAGES = ['ssh2', '@grpc/grpc-js', '@grpc/proto-loader'];

function runEsbuild(root: string, outFile: string): Promise<void> {
  const bin = path.join(root, 'node_modules', 'esbuild', 'bin', 'esbuild');
  if (!existsSync(bin)) throw new Error(`esbuild is missing (${bin}): run npm install in ${root}`);
  const args = [
    path.join('sandbox', 'image', 'cluster-up.ts'),
    '--bundle',
    '--platform=node',
    '--target=node20',
    '--format=cjs',
    `--outfile=${outFile}`,
    // Native add-ons are optional (loaded inside try/catch) in what remains after the stubs below.
    '--external:*.node',
    // Dockerode's SSH transport and BuildKit sessions, never used by the cluster: see bundle-stub.js.
    ...STUBBED_PACKAGES.map((name) => `--alias:${name}=./sandbox/image/bundle-stub.js`),
    '--log-level=error',
    '--legal-comments=none',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`esbuild failed to bundle the mini-cluster (exit ${code}):\n${stderr.trim()}`))));
  });
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** Hash of a directory's file names and contents (esbuild output is deterministic for the same inputs). */
export function hashDirectory(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) hash.update(`${file}\0${statSync(path.join(dir, file)).size}\0`).update(readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Bundles the mini-cluster into `outDir` (replaced); returns the hash of what it wrote. */
export async function bundleCluster(outDir: string): Promise<{ dir: string; hash: string }> {
  const root = findRepoRoot();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await runEsbuild(root, path.join(outDir, CLUSTER_BUNDLE_ENTRY));
  for (const { from, to, keep } of DATA_FILES) {
    const source = path.join(root, from);
    if (!existsSync(source)) throw new Error(`the mini-cluster bundle needs ${from}, which is missing`);
    cpSync(source, path.join(outDir, to), { recursive: true, filter: (src) => !keep || statSync(src).isDirectory() || keep(path.basename(src)) });
  }
  return { dir: outDir, hash: hashDirectory(outDir) };
}
