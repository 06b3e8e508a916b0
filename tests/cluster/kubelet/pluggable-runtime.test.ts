// A runtime passed to startKubelets runs learners' pods; the cluster's own pods stay simulated.
import { REF } from '@/sandbox/cluster/api/registry';
import type { ContainerRuntime, RuntimeDescription } from '@/sandbox/cluster/kubelet/runtime';
import { SimulatedRuntime } from '@/sandbox/cluster/kubelet/runtimes/simulated';
import { containerStatus, phase, startHarness, waitFor, type KubeletHarness } from './harness';

/** The simulated runtime under another name, recording which pods it was asked to start. */
class RecordingRuntime extends SimulatedRuntime implements ContainerRuntime {
  override readonly name = 'recording';
  readonly startedPods: string[] = [];
  override describe(): RuntimeDescription {
    return { containerRuntimeVersion: 'docker://27.5.1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-test' };
  }
  override async startPod(spec: Parameters<SimulatedRuntime['startPod']>[0]) {
    this.startedPods.push(`${spec.namespace}/${spec.name}`);
    return super.startPod(spec);
  }
}

let h: KubeletHarness;
let runtime: RecordingRuntime;

beforeAll(async () => {
  runtime = new RecordingRuntime({ timeScale: 0 });
  h = await startHarness({ runtime });
});

afterAll(async () => {
  await h.stop();
  await runtime.close();
});

test('learner pods use the given runtime (and its container ID scheme); kube-system infrastructure stays simulated', async () => {
  h.createPod('mine', { containers: [{ name: 'web', image: 'nginx' }] });
  const pod = await waitFor(() => (phase(h.pod('mine')) === 'Running' ? h.pod('mine') : undefined), 'mine Running');
  expect(containerStatus(pod)!.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
  expect(runtime.startedPods).toContain('default/mine');
  await waitFor(() => phase(h.pod('etcd-m-k8s', 'kube-system')) === 'Running', 'etcd mirror pod Running');
  expect(runtime.startedPods.some((p) => p.startsWith('kube-system/'))).toBe(false);
  expect(containerStatus(h.pod('etcd-m-k8s', 'kube-system'))!.containerID).toMatch(/^containerd:\/\//);
  const node = h.store.get(REF.nodes, undefined, 'w1-k8s')!;
  expect((node.status as { nodeInfo: { containerRuntimeVersion: string } }).nodeInfo.containerRuntimeVersion).toBe('docker://27.5.1');
});

/** Fails the first sandbox and the first container creation, like a runtime with a hiccup. */
class FlakyRuntime extends SimulatedRuntime {
  sandboxFailures = 1;
  createFailures = 1;
  override async startPod(spec: Parameters<SimulatedRuntime['startPod']>[0]) {
    if (spec.namespace === 'default' && this.sandboxFailures-- > 0) throw new Error('failed to setup network for sandbox: plugin type="calico" failed (add): connection refused');
    return super.startPod(spec);
  }
  override async createContainer(podUID: string, config: Parameters<SimulatedRuntime['createContainer']>[1]) {
    if (config.name === 'web' && this.createFailures-- > 0) throw new Error('failed to create containerd container: snapshotter busy');
    return super.createContainer(podUID, config);
  }
}

describe('runtime failures', () => {
  let flakyHarness: KubeletHarness;
  let flaky: FlakyRuntime;
  beforeAll(async () => {
    flaky = new FlakyRuntime({ timeScale: 0 });
    flakyHarness = await startHarness({ runtime: flaky, skipSystemObjects: true });
  });
  afterAll(async () => {
    await flakyHarness.stop();
    await flaky.close();
  });

  test('a failed sandbox (FailedCreatePodSandBox) and a failed create (CreateContainerError) are reported and retried', async () => {
    flakyHarness.createPod('flaky', { containers: [{ name: 'web', image: 'nginx' }] });
    await waitFor(() => phase(flakyHarness.pod('flaky')) === 'Running', 'flaky Running after retries', 20_000);
    const events = flakyHarness.events('flaky');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Warning', reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: failed to setup network for sandbox: plugin type="calico" failed (add): connection refused' }),
        expect.objectContaining({ type: 'Warning', reason: 'Failed', message: 'Error: failed to create containerd container: snapshotter busy' }),
      ]),
    );
    expect(containerStatus(flakyHarness.pod('flaky'))!.restartCount).toBe(0);
  });
});
