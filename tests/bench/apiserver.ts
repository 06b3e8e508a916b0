// Benchmark: the mini-cluster's API server and store under the official client.
// Run: npx tsx tests/bench/apiserver.ts [objects=500]
// Prints cluster start time, create/get/list/patch latencies, watch delivery latency and memory.
import { CoreV1Api, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { startCluster } from '../../sandbox/cluster/cluster';

const N = Number(process.argv[2] ?? 500);

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function report(label: string, samples: number[]): void {
  process.stdout.write(`${label.padEnd(28)} n=${String(samples.length).padStart(4)}  p50 ${pct(samples, 50).toFixed(2)} ms  p95 ${pct(samples, 95).toFixed(2)} ms  max ${Math.max(...samples).toFixed(2)} ms\n`);
}

async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  samples.push(performance.now() - t);
  return out;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const cluster = await startCluster({ port: 0, timeScale: 0, kubeconfigPath: `/tmp/kubelab-bench-${process.pid}/kubeconfig` });
  process.stdout.write(`cluster start                ${(performance.now() - t0).toFixed(0)} ms\n`);
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);

  const delivered = new Map<string, number>();
  const sent = new Map<string, number>();
  const watch = await new Watch(kc).watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'bench=yes' }, (type, obj: { metadata?: { name?: string } }) => {
    if (type === 'ADDED' && obj.metadata?.name) delivered.set(obj.metadata.name, performance.now());
  }, () => undefined);

  const create: number[] = [];
  const get: number[] = [];
  const patch: number[] = [];
  const list: number[] = [];
  for (let i = 0; i < N; i++) {
    const name = `cm-${i}`;
    sent.set(name, performance.now());
    await timed(create, () => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels: { bench: 'yes' } }, data: { i: String(i), payload: 'x'.repeat(256) } } }));
  }
  for (let i = 0; i < N; i += 5) await timed(get, () => core.readNamespacedConfigMap({ name: `cm-${i}`, namespace: 'default' }));
  for (let i = 0; i < N; i += 5) {
    await timed(patch, () => core.patchNamespacedConfigMap({ name: `cm-${i}`, namespace: 'default', body: { data: { patched: 'yes' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
  }
  for (let i = 0; i < 20; i++) await timed(list, () => core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'bench=yes' }));
  await new Promise((r) => setTimeout(r, 200));
  const watchLatency = [...sent].filter(([n]) => delivered.has(n)).map(([n, t]) => delivered.get(n)! - t);
  watch.abort();

  report('create configmap', create);
  report('get configmap', get);
  report('merge-patch configmap', patch);
  report(`list ${N} configmaps`, list);
  report('watch delivery (from send)', watchLatency);
  const mem = process.memoryUsage();
  process.stdout.write(`memory                       rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap used ${(mem.heapUsed / 1048576).toFixed(0)} MiB\n`);
  await cluster.stop();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
