// Mini-cluster figures: cold start to all nodes Ready (in-process and as a `kubelab cluster up`
// child), `kubectl get pods` latency vs the raw HTTP list, 3-replica Deployment create-to-Available
// at timeScale 1, idle RSS (of `kubelab cluster up` and of the bundle a Docker sandbox runs), and
// 1,000 pods across the 4 nodes.
// Targets: cold start < 300 ms, idle RSS < 80 MB, 3-replica Deployment Available < 2 s.
// Run: npx tsx tests/bench/cluster.ts [cold-start|deployment|sandbox-bundle|cluster-up ...]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startCluster } from '../../sandbox/cluster/cluster';
import { bundleCluster, CLUSTER_BUNDLE_ENTRY } from '../../sandbox/images/cluster-bundle';
import { runKubectl } from '../cluster/support/cluster';
import { freePort } from '../support/platform-server';

const rows: [string, string, string][] = [];
const record = (what: string, value: string, target = '') => {
  rows.push([what, value, target]);
  console.log(`${what}: ${value}${target ? `  (${target})` : ''}`);
};
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (n: number) => `${n.toFixed(1)} ms`;

interface Api {
  url: string;
  token: string;
  ca: string;
}
function apiFromKubeconfig(file: string): Api {
  const kc = YAML.parse(readFileSync(file, 'utf8'));
  return {
    url: kc.clusters[0].cluster.server,
    ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
    token: kc.users[0].user.token,
  };
}
const agent = new https.Agent({ keepAlive: true, maxSockets: 32 });
function request(api: Api, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(new URL(p, api.url), { method, agent, ca: api.ca, headers: { authorization: `Bearer ${api.token}`, accept: 'application/json', ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        try {
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}
const readyNodes = (items: any[]) => items.filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length;

/** Sum of VmRSS over a process and its descendants (the CLI may run the cluster under a loader). */
function treeRssMB(pid: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* process went away */
    }
  }
  let kb = 0;
  const walk = (p: number) => {
    try {
      const m = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
      if (m) kb += Number(m[1]);
    } catch {
      /* gone */
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return kb / 1024;
}

/** `kubelab cluster up` by default; `command` runs another entry (e.g. the sandbox's bundle) with the same flags. */
async function startChild(dir: string, extraArgs: string[] = [], command = [process.execPath, 'scripts/kubelab.js', 'cluster', 'up']): Promise<{ child: ChildProcess; api: Api; readyMs: number }> {
  const port = await freePort();
  const kubeconfig = path.join(dir, 'kubeconfig');
  const t0 = process.hrtime.bigint();
  const child = spawn(command[0], [...command.slice(1), '--port', String(port), '--kubeconfig', kubeconfig, ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.resume();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cluster up exited with ${child.exitCode}`);
    if (existsSync(kubeconfig)) {
      try {
        const api = apiFromKubeconfig(kubeconfig);
        const r = await request(api, 'GET', '/api/v1/nodes');
        if (r.status === 200 && readyNodes(r.json.items) === 4) return { child, api, readyMs: ms(t0) };
      } catch {
        /* not listening yet */
      }
    }
    await sleep(10);
  }
}
async function stopChild(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

async function coldStartInProcess(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-'));
    const t0 = process.hrtime.bigint();
    const c = await startCluster({ port: 0, kubeconfigPath: path.join(dir, 'kubeconfig') });
    while (readyNodes(c.ctx.store.list({ group: '', resource: 'nodes' }).items) < 4) await sleep(1);
    times.push(ms(t0));
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  record('cold start in-process, first (incl. JIT warm-up)', fmt(times[0]), 'target < 300 ms');
  record('cold start in-process, median of next 5', fmt(pct(times.slice(1), 50)), 'target < 300 ms');
}

async function deploymentAvailable(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-'));
  const c = await startCluster({ port: 0, kubeconfigPath: path.join(dir, 'kubeconfig') }); // timeScale 1
  const api = apiFromKubeconfig(c.kubeconfigPath);
  while (readyNodes(c.ctx.store.list({ group: '', resource: 'nodes' }).items) < 4) await sleep(5);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const name = `web${i}`;
    const labels = { app: name };
    const t0 = process.hrtime.bigint();
    const r = await request(api, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    });
    if (r.status !== 201) throw new Error(`create deployment: ${r.status} ${JSON.stringify(r.json)}`);
    for (;;) {
      const d = c.ctx.store.get({ group: 'apps', resource: 'deployments' }, 'default', name) as any;
      if (d?.status?.availableReplicas === 3 && d.status.conditions?.some((x: any) => x.type === 'Available' && x.status === 'True')) break;
      await sleep(5);
    }
    times.push(ms(t0));
  }
  record('3-replica Deployment create → Available (timeScale 1), median of 3', `${fmt(pct(times, 50))} [${times.map((t) => t.toFixed(0)).join(', ')}]`, 'target < 2 s');
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function getLatency(api: Api, kubeconfig: string, home: string, runs: number, label: string, listPath: string, kubectlArgs: string[]): Promise<void> {
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = await request(api, 'GET', listPath);
    if (r.status !== 200) throw new Error(`list: ${r.status}`);
    raw.push(ms(t0));
  }
  const kc: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = await runKubectl(kubeconfig, home, kubectlArgs);
    if (r.code !== 0) throw new Error(`kubectl: ${r.stderr}`);
    kc.push(ms(t0));
  }
  record(`${label} raw HTTP list (JSON) p50 / p95`, `${fmt(pct(raw, 50))} / ${fmt(pct(raw, 95))}`);
  record(`${label} kubectl ${kubectlArgs.join(' ')} p50 / p95`, `${fmt(pct(kc, 50))} / ${fmt(pct(kc, 95))}`);
}

async function childFigures(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  // Four nodes hold 1,000 pods only above kubelet's default of 110 pods per node (like `--max-pods`).
  const { child, api, readyMs } = await startChild(dir, ['--max-pods', '255']);
  try {
    record('cold start `kubelab cluster up` child → 4 nodes Ready (incl. node + CLI load)', fmt(readyMs));
    await sleep(3000);
    record('idle RSS of `cluster up` (3 s after Ready)', `${treeRssMB(child.pid!).toFixed(1)} MB`, 'target < 80 MB');

    // a few pods so the table is not empty
    const labels = { app: 'small' };
    await request(api, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'small' },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    });
    await getLatency(api, kubeconfig, dir, 50, '3 pods:', '/api/v1/namespaces/default/pods', ['get', 'pods']);

    const t0 = process.hrtime.bigint();
    const queue = Array.from({ length: 1000 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const r = await request(api, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `bulk-${i}`, labels: { app: 'bulk' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] } });
          if (r.status !== 201) throw new Error(`create pod: ${r.status} ${JSON.stringify(r.json)}`);
        }
      }),
    );
    record('1,000 pods: create via API (16 in flight)', fmt(ms(t0)));
    const runningDeadline = Date.now() + 120_000;
    let running = 0;
    while (Date.now() < runningDeadline) {
      const r = await request(api, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dbulk&fieldSelector=status.phase%3DRunning');
      running = r.json.items.length;
      if (running === 1000) break;
      await sleep(500);
    }
    record('1,000 pods: create → all Running', running === 1000 ? fmt(ms(t0)) : `only ${running} Running after 120 s`);
    const perNode = new Map<string, number>();
    for (const p of (await request(api, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dbulk')).json.items) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    record('1,000 pods: spread over nodes', [...perNode].map(([n, k]) => `${n}=${k}`).join(' '));
    await getLatency(api, kubeconfig, dir, 20, '1,003 pods:', '/api/v1/namespaces/default/pods', ['get', 'pods']);
    await sleep(2000);
    record('RSS with 1,000 pods', `${treeRssMB(child.pid!).toFixed(1)} MB`);
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cluster process as a sandbox runs it: the esbuild bundle under plain node with a small young generation (entrypoint.sh). */
async function sandboxBundleFigures(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-bench-'));
  try {
    const { dir: bundleDir } = await bundleCluster(path.join(dir, 'bundle'));
    for (const flags of [[], ['--max-semi-space-size=1']]) {
      const label = flags.length ? `node ${flags.join(' ')}` : 'plain node';
      const { child, readyMs } = await startChild(dir, ['--data', path.join(dir, `data${flags.length}`)], [process.execPath, ...flags, path.join(bundleDir, CLUSTER_BUNDLE_ENTRY)]);
      try {
        record(`cold start of the sandbox's cluster bundle (${label}) → 4 nodes Ready`, fmt(readyMs), 'target < 300 ms');
        await sleep(3000);
        record(`idle RSS of the sandbox's cluster bundle (${label}, 3 s after Ready)`, `${treeRssMB(child.pid!).toFixed(1)} MB`, 'target < 80 MB');
      } finally {
        await stopChild(child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sections: Record<string, () => Promise<void>> = { 'cold-start': coldStartInProcess, deployment: deploymentAvailable, 'sandbox-bundle': sandboxBundleFigures, 'cluster-up': childFigures };

async function main(): Promise<void> {
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((name) => !sections[name]);
  if (unknown.length) throw new Error(`unknown section ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`);
  for (const [name, run] of Object.entries(sections)) if (!chosen.length || chosen.includes(name)) await run();
  console.log('\n| figure | value | target |\n| --- | --- | --- |');
  for (const [a, b, t] of rows) console.log(`| ${a} | ${b} | ${t} |`);
  agent.destroy();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
