// Kubelet figures at timeScale 1 (realistic delays): time for a 3-replica Deployment to become
// Available, time for a single pod to go Running, and CPU used by an idle 4-node cluster.
// Run: npx tsx tests/bench/kubelet.ts
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCluster } from '../../sandbox/cluster/cluster';
import { REF } from '../../sandbox/cluster/api/registry';
import { kubectlPath } from '../../sandbox/cluster/kubectl/vendor';

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - t0;
}

async function main(): Promise<void> {
  const cluster = await startCluster({ port: 0, timeScale: 1 });
  const { store } = cluster.ctx;
  const kubectl = async (...args: string[]) => (await promisify(execFile)(kubectlPath(), args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath } })).stdout;
  try {
    const systemReady = await waitUntil(() => {
      const pods = store.list(REF.pods, { namespace: 'kube-system' }).items;
      return pods.length > 0 && pods.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
    }, 30_000);
    console.log(`kube-system pods Running after start: ${systemReady} ms (${store.list(REF.pods, { namespace: 'kube-system' }).items.length} pods)`);

    let t0 = Date.now();
    await kubectl('run', 'bench-pod', '--image=nginx');
    await waitUntil(() => (store.get(REF.pods, 'default', 'bench-pod')?.status as { phase?: string } | undefined)?.phase === 'Running', 30_000);
    console.log(`kubectl run nginx → Running: ${Date.now() - t0} ms`);

    t0 = Date.now();
    await kubectl('create', 'deployment', 'bench', '--image=nginx', '--replicas=3');
    await waitUntil(() => {
      const d = store.get(REF.deployments, 'default', 'bench');
      return ((d?.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0) === 3;
    }, 30_000);
    console.log(`3-replica deployment Available: ${Date.now() - t0} ms`);

    t0 = Date.now();
    await kubectl('scale', 'deployment', 'bench', '--replicas=60');
    await waitUntil(() => {
      const d = store.get(REF.deployments, 'default', 'bench');
      return ((d?.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0) === 60;
    }, 60_000);
    console.log(`scale to 60 replicas → all Available: ${Date.now() - t0} ms; heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`);

    // Idle: let things settle, then measure this process's CPU over 20 s.
    await new Promise((r) => setTimeout(r, 3000));
    const rv0 = Number(store.currentResourceVersion());
    const cpu0 = process.cpuUsage();
    const idleMs = 20_000;
    await new Promise((r) => setTimeout(r, idleMs));
    const cpu = process.cpuUsage(cpu0);
    const writes = Number(store.currentResourceVersion()) - rv0;
    console.log(`idle cluster: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU in ${idleMs / 1000} s (${(((cpu.user + cpu.system) / 1000 / idleMs) * 100).toFixed(2)}%), ${writes} store writes`);
  } finally {
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
