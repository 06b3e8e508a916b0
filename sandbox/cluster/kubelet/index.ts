// Entry point: one kubelet per node in ClusterOptions.nodes, a shared pod watch that routes pods
// to the kubelet of their node, the kube-system bootstrap, and PodIO for the API server.
import { REF } from '../api/registry';
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { assignNodeCIDRs } from './ipam';
import { Kubelet } from './kubelet';
import type { PodIO } from './pod-io';
import { PodIORouter } from './pod-io-router';
import type { ContainerRuntime } from './runtime';
import { SimulatedRuntime } from './runtimes/simulated';
import { CONTROL_PLANE_IMAGES, isInfrastructurePod, SystemObjects } from './system-pods';

export type { ContainerRuntime } from './runtime';

export interface StartKubeletsOptions {
  /** Runs learners' pods. Default: the simulated runtime. Not closed by `stop()` (the caller owns it). */
  runtime?: ContainerRuntime;
  /** Skip creating kube-system objects (some tests). Default false. */
  skipSystemObjects?: boolean;
}

export interface RunningKubelets {
  podIO: PodIO;
  kubelets: Kubelet[];
  stop(): Promise<void>;
}

export async function startKubelets(ctx: ClusterContext, opts: StartKubeletsOptions = {}): Promise<RunningKubelets> {
  const simulated = new SimulatedRuntime({ timeScale: ctx.options.timeScale, now: () => ctx.now() });
  for (const node of ctx.options.nodes) if (node.controlPlane) simulated.preload(CONTROL_PLANE_IMAGES, node.name);
  const runtime = opts.runtime ?? simulated;
  // The cluster's own components run simulated on every profile (the control plane is this process).
  const runtimeFor = (pod: KubeObject): ContainerRuntime => (isInfrastructurePod(pod) ? simulated : runtime);

  const system = new SystemObjects(ctx);
  system.ensureNamespaces();

  const names = ctx.options.nodes.map((n) => n.name);
  const cidrs = assignNodeCIDRs(ctx.options.podCIDR, names);
  const pods = ctx.store.list(REF.pods).items;
  const kubelets = ctx.options.nodes.map((node) => {
    const onNode = pods.filter((p) => (p.spec as { nodeName?: string }).nodeName === node.name);
    return new Kubelet(ctx, node, cidrs.get(node.name)!, runtimeFor, runtime, onNode);
  });
  const byName = new Map(kubelets.map((k) => [k.name, k]));
  for (const k of kubelets) await k.start();
  if (!opts.skipSystemObjects) system.ensure();

  const watch: Watch = ctx.store.watch(REF.pods, {}, (ev) => {
    if (ev.type === 'BOOKMARK') return;
    const pod = ev.object;
    const kubelet = byName.get((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
    if (ev.type === 'DELETED') {
      kubelet?.podDeleted(pod);
      if (!opts.skipSystemObjects) system.onPodDeleted(pod);
      return;
    }
    kubelet?.podChanged(pod);
  });

  let stopped = false;
  return {
    podIO: new PodIORouter(ctx, runtimeFor),
    kubelets,
    async stop() {
      if (stopped) return;
      stopped = true;
      watch.stop();
      system.stop();
      await Promise.all(kubelets.map((k) => k.stop()));
      await simulated.close();
    },
  };
}
