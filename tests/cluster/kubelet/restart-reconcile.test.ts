// A kubelet starting over persisted pods (after a stop of the sandbox: cluster process and the
// runtime's daemon restarted) reconciles them with the runtime's real containers, like a kubelet
// after a node reboot: containers that ended meanwhile are restarted per restartPolicy and counted,
// and the status never says Running for a container that is not running.
import { REF } from '@/sandbox/cluster/api/registry';
import type { KubeObject } from '@/sandbox/cluster/store/types';
import { MemoryStore } from '@/sandbox/cluster/store';
import type { AdoptedContainer, ContainerExit, ImageInfo } from '@/sandbox/cluster/kubelet/runtime';
import { SimulatedRuntime } from '@/sandbox/cluster/kubelet/runtimes/simulated';
import { containerStatus, phase, startHarness, waitFor, type KubeletHarness } from './harness';

type AdoptArgs = Parameters<NonNullable<SimulatedRuntime['adoptPod']>>;

/**
 * The runtime as found after its daemon restarted: every container the kubelet ran before has
 * exited (`exited`) or is gone (`lost`). Image lookups wait on `gate` so a test can look at the
 * status the kubelet reports before the restarted container exists.
 */
class RebootedRuntime extends SimulatedRuntime {
  mode: 'exited' | 'lost' | 'running' = 'exited';
  adoptCalls = 0;
  private release?: () => void;
  private gate?: Promise<void>;

  holdImages(): void {
    this.gate = new Promise((r) => (this.release = r));
  }
  releaseImages(): void {
    this.release?.();
    this.gate = undefined;
  }

  override async imageStatus(image: string, node: string): Promise<ImageInfo | undefined> {
    if (this.gate) await this.gate;
    return super.imageStatus(image, node);
  }

  override async adoptPod(spec: AdoptArgs[0], containers: AdoptArgs[1]): Promise<Record<string, AdoptedContainer>> {
    this.adoptCalls++;
    if (this.mode === 'running') return super.adoptPod(spec, containers);
    if (this.mode === 'lost') return {};
    const finishedAt = new Date(Date.now() - 5_000);
    const exit: ContainerExit = { exitCode: 255, reason: 'Error', startedAt: new Date(finishedAt.getTime() - 60_000), finishedAt };
    return Object.fromEntries(containers.map((c) => [c.name, { id: c.containerID, exit }]));
  }
}

function cs(pod: KubeObject | undefined): Record<string, any> {
  return containerStatus(pod)!;
}

describe('kubelet restart over persisted pods', () => {
  let h: KubeletHarness | undefined;
  let runtime: RebootedRuntime | undefined;
  afterEach(async () => {
    runtime?.releaseImages();
    await h?.stop();
    await runtime?.close();
    h = undefined;
    runtime = undefined;
  });

  /** Runs `web` (restartPolicy as given) on w1 and stops the kubelets, keeping the store. */
  async function runThenStop(restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always'): Promise<{ store: MemoryStore; before: KubeObject }> {
    const store = new MemoryStore({ gracefulPodDeletion: true });
    const first = new SimulatedRuntime({ timeScale: 0 });
    const h1 = await startHarness({ skipSystemObjects: true, store, runtime: first });
    h1.createPod('web', { restartPolicy, containers: [{ name: 'nginx', image: 'nginx:1.16.0' }] }, 'w1-k8s');
    const before = await waitFor(() => (phase(h1.pod('web')) === 'Running' && cs(h1.pod('web'))?.ready ? h1.pod('web') : undefined), 'web Running');
    await h1.stop();
    await first.close();
    return { store, before };
  }

  test('a container that exited while the node was down is reported as exited at once, then restarted and counted (restartPolicy Always)', async () => {
    const { store, before } = await runThenStop();
    runtime = new RebootedRuntime({ timeScale: 0 });
    runtime.holdImages();
    h = await startHarness({ skipSystemObjects: true, store, runtime });
    // Before the new container exists, the status tells the truth: terminated, not ready, not Running.
    const interim = await waitFor(() => (cs(h!.pod('web'))?.state?.terminated ? h!.pod('web') : undefined), 'exited container reported');
    expect(cs(interim).state.running).toBeUndefined();
    expect(cs(interim).state.terminated).toMatchObject({ exitCode: 255, reason: 'Error', containerID: cs(before).containerID });
    expect(cs(interim).ready).toBe(false);
    expect((interim.status as { conditions: Array<{ type: string; status: string }> }).conditions.find((c) => c.type === 'Ready')!.status).toBe('False');
    runtime.releaseImages();
    const after = await waitFor(() => (cs(h!.pod('web'))?.state?.running && cs(h!.pod('web'))?.ready ? h!.pod('web') : undefined), 'web restarted');
    expect(cs(after).restartCount).toBe(1);
    expect(cs(after).containerID).not.toBe(cs(before).containerID);
    expect(cs(after).lastState.terminated).toMatchObject({ exitCode: 255, reason: 'Error', containerID: cs(before).containerID });
    expect(phase(after)).toBe('Running');
    expect((after.status as { podIP: string }).podIP).toBe((before.status as { podIP: string }).podIP);
    expect(runtime.adoptCalls).toBe(1);
  });

  test('restartPolicy Never: the exited container stays exited and the pod fails', async () => {
    const { store } = await runThenStop('Never');
    runtime = new RebootedRuntime({ timeScale: 0 });
    h = await startHarness({ skipSystemObjects: true, store, runtime });
    const after = await waitFor(() => (phase(h!.pod('web')) === 'Failed' ? h!.pod('web') : undefined), 'web Failed');
    expect(cs(after).state.terminated).toMatchObject({ exitCode: 255 });
    expect(cs(after).restartCount).toBe(0);
  });

  test('a container the runtime lost is restarted and counted, its last state unknown', async () => {
    const { store, before } = await runThenStop();
    runtime = new RebootedRuntime({ timeScale: 0 });
    runtime.mode = 'lost';
    h = await startHarness({ skipSystemObjects: true, store, runtime });
    const after = await waitFor(() => (cs(h!.pod('web'))?.state?.running && cs(h!.pod('web'))?.restartCount === 1 ? h!.pod('web') : undefined), 'web restarted');
    expect(cs(after).lastState.terminated).toMatchObject({ exitCode: 137, reason: 'ContainerStatusUnknown', containerID: cs(before).containerID });
    expect(cs(after).containerID).not.toBe(cs(before).containerID);
  });

  test('a failed sandbox after the restart does not leave the pod reporting Running', async () => {
    const { store } = await runThenStop();
    runtime = new RebootedRuntime({ timeScale: 0 });
    let failures = 3;
    const startPod = runtime.startPod.bind(runtime);
    runtime.startPod = async (spec) => {
      if (failures-- > 0) throw new Error('failed to create the pod holder: No such image: kubelab/pod-holder:latest');
      return startPod(spec);
    };
    h = await startHarness({ skipSystemObjects: true, store, runtime });
    const interim = await waitFor(() => (h!.events('web').some((e) => e.reason === 'FailedCreatePodSandBox') ? h!.pod('web') : undefined), 'FailedCreatePodSandBox');
    expect(cs(interim).state.running).toBeUndefined();
    expect(cs(interim).ready).toBe(false);
    const after = await waitFor(() => (cs(h!.pod('web'))?.state?.running ? h!.pod('web') : undefined), 'web running once the sandbox works', 20_000);
    expect(cs(after).restartCount).toBe(1);
  });

  test('a container still running is adopted as it is', async () => {
    const { store, before } = await runThenStop();
    runtime = new RebootedRuntime({ timeScale: 0 });
    runtime.mode = 'running';
    h = await startHarness({ skipSystemObjects: true, store, runtime });
    await waitFor(() => runtime!.adoptCalls === 1, 'adopted');
    await new Promise((r) => setTimeout(r, 200));
    const after = h.pod('web')!;
    expect(cs(after).state.running).toBeDefined();
    expect(cs(after).containerID).toBe(cs(before).containerID);
    expect(cs(after).restartCount).toBe(0);
    store.delete(REF.pods, 'default', 'web', {});
    await waitFor(() => !h!.pod('web'), 'web deleted');
  });
});
