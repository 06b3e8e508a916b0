// Test harness for the mini-cluster: starts a fresh cluster on a free port with instant
// simulated delays (timeScale 0), runs the REAL vendored kubectl against it, and builds an
// @kubernetes/client-node KubeConfig for it. Shared by every tests/cluster suite.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type RunningCluster, type StartClusterOptions } from '@/sandbox/cluster/cluster';
import { kubectlPath } from '@/sandbox/cluster/kubectl/vendor';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. a manifest for `-f -`). */
  stdin?: string;
  /** Kill kubectl after this long (default 60 s); the result then has code -1. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface TestCluster extends RunningCluster {
  /** Temporary directory holding the kubeconfig and kubectl's HOME (discovery cache). */
  dir: string;
  /** Runs the real kubectl with KUBECONFIG pointing at this cluster. A string is split on spaces. */
  kubectl(args: string[] | string, opts?: KubectlOptions): Promise<KubectlResult>;
  /** A client-node KubeConfig for this cluster. */
  kubeConfig(): KubeConfig;
}

export function hasKubectl(): boolean {
  return existsSync(kubectlPath());
}

export function runKubectl(kubeconfigPath: string, home: string, args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  if (!hasKubectl()) throw new Error(`kubectl is not vendored at ${kubectlPath()}; run \`node scripts/kubelab.js prepare\``);
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), args, {
      env: { ...process.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfigPath, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? -1 : (code ?? -1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

export async function startTestCluster(opts: StartClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-test-cluster-'));
  const cluster = await startCluster({ port: 0, timeScale: 0, kubeconfigPath: path.join(dir, 'kubeconfig'), ...opts });
  return {
    ...cluster,
    dir,
    kubectl(args, kopts) {
      const list = Array.isArray(args) ? args : args.split(' ').filter(Boolean);
      return runKubectl(cluster.kubeconfigPath, dir, list, kopts);
    },
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      return kc;
    },
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value (which is returned) or the timeout passes. */
export async function waitFor<T>(check: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${lastError ? `: ${lastError instanceof Error ? lastError.message : String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}
