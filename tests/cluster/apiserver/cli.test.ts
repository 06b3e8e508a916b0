// `kubelab cluster up` and `kubelab kubectl` as an operator runs them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasKubectl } from '../support/cluster';

jest.setTimeout(120_000);
const root = path.join(__dirname, '..', '..', '..');
const cli = path.join(root, 'scripts', 'kubelab.js');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

(hasKubectl() ? it : it.skip)('runs a cluster until SIGTERM, serves kubectl, and saves its state', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-cli-'));
  const data = path.join(dir, 'state');
  const env = { ...process.env, HOME: dir };
  const up = spawn(process.execPath, [cli, 'cluster', 'up', '--port', '0', '--data', data, '--time-scale', '0', '--max-pods', '150'], { env, cwd: root });
  let out = '';
  up.stdout.on('data', (d: Buffer) => (out += d.toString()));
  up.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) => up.on('close', (code) => resolve(code ?? -1)));
  try {
    const deadline = Date.now() + 60_000;
    while (!out.includes('Press Ctrl+C to stop.') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(`kubeconfig: ${path.join(data, 'kubeconfig')}`);
    const kubectlEnv = { ...env, KUBECONFIG: path.join(data, 'kubeconfig') };
    const created = await run(['kubectl', 'create', 'configmap', 'kept', '--from-literal=a=b'], kubectlEnv);
    expect(created.stdout.trim()).toBe('configmap/kept created');
    const capacity = await run(['kubectl', 'get', 'node', 'w1-k8s', '-o', 'jsonpath={.status.capacity.pods}/{.status.allocatable.pods}'], kubectlEnv);
    expect(capacity.stdout).toBe('150/150');
    const missing = await run(['kubectl', 'get', 'pod', 'nope'], kubectlEnv);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('pods "nope" not found');
  } finally {
    up.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(out).toContain(`stopped; state saved in ${data}`);
  expect(existsSync(path.join(data, 'cluster-state.json'))).toBe(true);
  rmSync(dir, { recursive: true, force: true });
});

it('refuses a --max-pods the pod network cannot hold', async () => {
  const r = await run(['cluster', 'up', '--port', '0', '--max-pods', '300'], process.env);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--max-pods must be a whole number from 1 to 256, got "300"');
});
