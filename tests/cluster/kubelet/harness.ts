// Kubelet test harness: the real store, event recorder and admission chain with the lab's four
// nodes and timeScale 0; pods are bound by creating them with spec.nodeName (no scheduler).
import { applyDefaults } from '@/sandbox/cluster/api/defaults';
import { REF } from '@/sandbox/cluster/api/registry';
import type { ClusterContext, ClusterOptions } from '@/sandbox/cluster/context';
import { AdmissionChain } from '@/sandbox/cluster/events/admission';
import { StoreEventRecorder } from '@/sandbox/cluster/events/recorder';
import { startKubelets, type RunningKubelets, type StartKubeletsOptions } from '@/sandbox/cluster/kubelet';
import { MemoryStore } from '@/sandbox/cluster/store';
import type { KubeObject } from '@/sandbox/cluster/store/types';

export const OPTIONS: ClusterOptions = {
  nodes: [
    { name: 'm-k8s', controlPlane: true, internalIP: '192.168.1.10' },
    { name: 'w1-k8s', controlPlane: false, internalIP: '192.168.1.101' },
    { name: 'w2-k8s', controlPlane: false, internalIP: '192.168.1.102' },
    { name: 'w3-k8s', controlPlane: false, internalIP: '192.168.1.103' },
  ],
  serviceCIDR: '10.96.0.0/12',
  podCIDR: '172.16.0.0/16',
  loadBalancerPool: '192.168.1.11-192.168.1.13',
  nodePortRange: { min: 30000, max: 32767 },
  maxPodsPerNode: 110,
  timeScale: 0,
};

export interface KubeletHarness {
  ctx: ClusterContext;
  store: MemoryStore;
  kubelets: RunningKubelets;
  createPod(name: string, spec: Record<string, unknown>, nodeName?: string, namespace?: string): KubeObject;
  pod(name: string, namespace?: string): KubeObject | undefined;
  events(name: string): Array<{ type: string; reason: string; message: string; count: number; fieldPath?: string; host?: string }>;
  stop(): Promise<void>;
}

export async function startHarness(opts: StartKubeletsOptions & { options?: Partial<ClusterOptions>; store?: MemoryStore } = {}): Promise<KubeletHarness> {
  const store = opts.store ?? new MemoryStore({ gracefulPodDeletion: true });
  const admission = new AdmissionChain();
  const ctx: ClusterContext = { store, events: new StoreEventRecorder(store), admission, options: { ...OPTIONS, ...opts.options }, now: () => new Date() };
  admission.ctx = ctx;
  const kubelets = await startKubelets(ctx, opts);
  return {
    ctx,
    store,
    kubelets,
    createPod(name, spec, nodeName = 'w1-k8s', namespace = 'default') {
      return store.create(REF.pods, applyDefaults({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { run: name } }, spec: { ...spec, nodeName } }));
    },
    pod(name, namespace = 'default') {
      return store.get(REF.pods, namespace, name);
    },
    events(name) {
      return store
        .list(REF.events)
        .items.filter((e) => (e.involvedObject as { name?: string }).name === name)
        .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))
        .map((e) => ({ type: e.type as string, reason: e.reason as string, message: e.message as string, count: e.count as number, fieldPath: (e.involvedObject as { fieldPath?: string }).fieldPath, host: (e.source as { host?: string }).host }));
    },
    async stop() {
      await kubelets.stop();
    },
  };
}

/** Polls `check` until it returns a truthy value (robust on a loaded machine). */
export async function waitFor<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    let v: T | undefined | false | null;
    try {
      v = check();
    } catch (err) {
      last = err;
    }
    if (v && typeof (v as { then?: unknown }).then === 'function') throw new Error(`waitFor(${what}): use eventually() for async checks`);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls an async `check` until it resolves to a truthy value. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function phase(pod: KubeObject | undefined): string | undefined {
  return (pod?.status as { phase?: string } | undefined)?.phase;
}

export function containerStatus(pod: KubeObject | undefined, i = 0): Record<string, any> | undefined {
  return ((pod?.status as { containerStatuses?: Array<Record<string, any>> } | undefined)?.containerStatuses ?? [])[i];
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}
