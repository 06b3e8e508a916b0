// The mini-cluster bundle the sandbox image carries: it runs under plain node, finds the data files
// the cluster opens at run time (OpenAPI documents for `kubectl explain`/apply, protobuf schemas for
// `kubectl create`), and bundling the same sources twice gives the same hash (the image build cache).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleCluster, CLUSTER_BUNDLE_ENTRY } from '@/sandbox/images/cluster-bundle';

jest.setTimeout(120_000);
const run = promisify(execFile);
const kubectlBin = path.resolve(__dirname, '..', '..', '.kubelab', 'bin', 'kubectl');

describe('mini-cluster bundle for the sandbox image', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bundle-test-'));
  let bundle: { dir: string; hash: string };
  let cluster: ChildProcess | undefined;

  beforeAll(async () => {
    bundle = await bundleCluster(path.join(work, 'bundle'));
  });
  afterAll(() => {
    cluster?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('is one CommonJS file with the data files next to it, hashed deterministically', async () => {
    expect(existsSync(path.join(bundle.dir, CLUSTER_BUNDLE_ENTRY))).toBe(true);
    expect(existsSync(path.join(bundle.dir, 'data', 'swagger-1.22.json.gz'))).toBe(true);
    expect(existsSync(path.join(bundle.dir, 'proto', 'json-fields.json'))).toBe(true);
    // No TypeScript loader at run time.
    expect(readFileSync(path.join(bundle.dir, CLUSTER_BUNDLE_ENTRY), 'utf8')).not.toMatch(/require\(["']tsx/);
    const again = await bundleCluster(path.join(work, 'again'));
    expect(again.hash).toBe(bundle.hash);
  });

  it('starts under plain node and serves kubectl (OpenAPI and protobuf requests)', async () => {
    if (!existsSync(kubectlBin)) throw new Error(`${kubectlBin} is missing: run node scripts/kubelab.js prepare`);
    const kubeconfig = path.join(work, 'kubeconfig');
    const ready = path.join(work, 'ready');
    let log = '';
    cluster = spawn(process.execPath, [path.join(bundle.dir, CLUSTER_BUNDLE_ENTRY), '--port', '0', '--data', path.join(work, 'data'), '--kubeconfig', kubeconfig, '--ready-file', ready], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBELAB_POD_RUNTIME: '' },
    });
    cluster.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    cluster.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!existsSync(ready)) {
      if (cluster.exitCode !== null || Date.now() > deadline) throw new Error(`the bundled cluster did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const kubectl = (...args: string[]) => run(kubectlBin, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
    expect((await kubectl('get', 'nodes', '-o', 'name')).stdout.split('\n')).toEqual(expect.arrayContaining(['node/m-k8s', 'node/w3-k8s']));
    // kubectl sends these as application/vnd.kubernetes.protobuf (decoded with the vendored .proto files).
    expect((await kubectl('create', 'configmap', 'cm', '--from-literal=a=b')).stdout).toContain('configmap/cm created');
    expect((await kubectl('get', 'configmap', 'cm', '-o', 'jsonpath={.data.a}')).stdout).toBe('b');
    // `explain` reads the OpenAPI documents built from the vendored swagger.
    expect((await kubectl('explain', 'deployment.spec.replicas')).stdout).toMatch(/FIELD:\s+replicas <integer>/);
  });

  it('rejects a bad option with a reason and exit code 2', async () => {
    const r = await run(process.execPath, [path.join(bundle.dir, CLUSTER_BUNDLE_ENTRY), '--max-pods', '9999'], { encoding: 'utf8' }).catch((e: { code: number; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2 });
    expect((r as { stderr: string }).stderr).toContain('--max-pods must be a whole number from 1 to 256');
  });
});
