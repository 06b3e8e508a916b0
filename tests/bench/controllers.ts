// Controller and scheduler figures at timeScale 0 (instant simulated runtime): time to scale a
// Deployment 0 → 300 pods and back, a rolling update of 100 replicas, and CPU while idle after.
// Run: npx tsx tests/bench/controllers.ts
import { startCluster } from '../../sandbox/cluster/cluster';
import { REF } from '../../sandbox/cluster/api/registry';

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - t0;
}

async function main(): Promise<void> {
  const cluster = await startCluster({ port: 0, timeScale: 0 });
  const { store } = cluster.ctx;
  const running = () => store.list(REF.pods, { namespace: 'default' }).items.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running' && !p.metadata.deletionTimestamp).length;
  const total = () => store.list(REF.pods, { namespace: 'default' }).items.length;
  const setReplicas = (n: number, image?: string) =>
    store.mutate(REF.deployments, 'default', 'bench', (d) => {
      const spec = d.spec as { replicas: number; template: { spec: { containers: { image: string }[] } } };
      spec.replicas = n;
      if (image) spec.template.spec.containers[0].image = image;
      return d;
    });
  try {
    store.create(REF.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench', namespace: 'default' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'bench' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.15.12' }] } } },
    });
    setReplicas(300);
    console.log(`scale 0 → 300 Running: ${await waitUntil(() => running() === 300, 120_000)} ms`);
    setReplicas(100);
    console.log(`scale 300 → 100 (pods gone): ${await waitUntil(() => total() === 100, 120_000)} ms`);
    setReplicas(100, 'nginx:1.16.0');
    const rolled = await waitUntil(() => {
      const pods = store.list(REF.pods, { namespace: 'default' }).items;
      return pods.length === 100 && pods.every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:1.16.0' && (p.status as { phase?: string }).phase === 'Running');
    }, 120_000);
    console.log(`rolling update of 100 replicas: ${rolled} ms`);
    const cpu0 = process.cpuUsage();
    const rv0 = Number(store.currentResourceVersion());
    await new Promise((r) => setTimeout(r, 10_000));
    const cpu = process.cpuUsage(cpu0);
    console.log(`idle after: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU in 10 s, ${Number(store.currentResourceVersion()) - rv0} store writes`);
  } finally {
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
