// The behaviour every ContainerRuntime must show the kubelet, as a reusable jest suite:
//   describeRuntimeContract('docker', () => createDockerRuntime(...), { node: 'w1-k8s' })
// The simulated runtime runs it in runtime-simulated.test.ts; other runtimes (Docker) can import it.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ImagePullError, type ContainerConfig, type ContainerRuntime, type ImageInfo, type PodSandboxSpec } from '@/sandbox/cluster/kubelet/runtime';

export interface ContractOptions {
  node?: string;
  /** Pod IP to request (must be valid for the runtime's network). */
  podIP?: string;
  hostIP?: string;
  /** An image with a POSIX shell, `echo`, `sleep` (default `busybox`). */
  shellImage?: string;
  /** A tag that does not exist (default `nginx:1.17.23`). */
  missingImage?: string;
  timeoutMs?: number;
}

async function readAll(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

export function describeRuntimeContract(name: string, create: () => ContainerRuntime | Promise<ContainerRuntime>, opts: ContractOptions = {}): void {
  const node = opts.node ?? 'w1-k8s';
  const shellImage = opts.shellImage ?? 'busybox';
  const timeout = opts.timeoutMs ?? 60_000;

  describe(`ContainerRuntime contract: ${name}`, () => {
    let rt: ContainerRuntime;
    let image: ImageInfo;
    const pods: string[] = [];

    beforeAll(async () => {
      rt = await create();
      image = await rt.pullImage(shellImage, node);
    }, timeout);

    afterAll(async () => {
      for (const uid of pods) await rt.removePod(uid).catch(() => undefined);
      await rt.close();
    }, timeout);

    function sandbox(): PodSandboxSpec {
      const uid = randomUUID();
      pods.push(uid);
      const name = `contract-${uid.slice(0, 8)}`;
      return {
        uid,
        namespace: 'default',
        name,
        nodeName: node,
        hostIP: opts.hostIP ?? '192.168.1.101',
        podIP: opts.podIP ?? '172.16.221.200',
        hostNetwork: false,
        hostname: name,
        dns: { nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
        pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid }, spec: { containers: [] } },
      };
    }

    function config(command: string[]): ContainerConfig {
      return { name: 'main', image: shellImage, imageInfo: image, command, env: [{ name: 'GREETING', value: 'hello' }], ports: [], mounts: [], stdin: false, tty: false, init: false, restartCount: 0, spec: { name: 'main', image: shellImage } };
    }

    test('describes itself for node status', () => {
      const d = rt.describe();
      expect(d.containerRuntimeVersion).toMatch(/^[a-z]+:\/\/\S+$/);
      expect(d.osImage).toBeTruthy();
      expect(d.kernelVersion).toBeTruthy();
    });

    test('pulls an image into a normalized reference with a digest', async () => {
      expect(image.imageRef).toMatch(/^[a-z0-9.:-]+\/.+:[\w.-]+$/);
      expect(image.imageID).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(await rt.imageStatus(shellImage, node)).toMatchObject({ imageRef: image.imageRef });
    });

    test('a missing tag fails with ImagePullError (containerd-like "not found")', async () => {
      const err = await rt.pullImage(opts.missingImage ?? 'nginx:1.17.23', node).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImagePullError);
      expect((err as Error).message).toMatch(/not found/);
    }, timeout);

    test('runs a container to completion: exit code, reason, output', async () => {
      const spec = sandbox();
      const pod = await rt.startPod(spec);
      expect(pod.podIP).toBeTruthy();
      const id = await rt.createContainer(spec.uid, config(['sh', '-c', 'echo "$GREETING world"; exit 3']));
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const started = await rt.startContainer(id);
      expect(started.startedAt).toBeInstanceOf(Date);
      const exit = await rt.waitContainer(id);
      expect(exit).toMatchObject({ exitCode: 3, reason: 'Error' });
      expect(exit.finishedAt.getTime()).toBeGreaterThanOrEqual(exit.startedAt.getTime());
      expect(await readAll(await rt.logs(id, { follow: false, timestamps: false }))).toBe('hello world\n');
      // waitContainer answers again once the container has exited.
      expect((await rt.waitContainer(id)).exitCode).toBe(3);
    }, timeout);

    test('kills a running container within the grace period; a sleeping PID 1 needs SIGKILL', async () => {
      const spec = sandbox();
      await rt.startPod(spec);
      const id = await rt.createContainer(spec.uid, config(['sleep', '3600']));
      await rt.startContainer(id);
      const t0 = Date.now();
      await rt.killContainer(id, 1);
      const exit = await rt.waitContainer(id);
      expect(exit.exitCode).toBe(137);
      expect(Date.now() - t0).toBeLessThan(15_000);
    }, timeout);

    test('follows logs until the container exits', async () => {
      const spec = sandbox();
      await rt.startPod(spec);
      const id = await rt.createContainer(spec.uid, config(['sh', '-c', 'echo one; sleep 0.3; echo two']));
      await rt.startContainer(id);
      const text = await readAll(await rt.logs(id, { follow: true, timestamps: false }));
      expect(text).toBe('one\ntwo\n');
    }, timeout);

    test('stopPod keeps exited containers readable; removePod forgets them', async () => {
      const spec = sandbox();
      await rt.startPod(spec);
      const id = await rt.createContainer(spec.uid, config(['sh', '-c', 'echo kept']));
      await rt.startContainer(id);
      await rt.waitContainer(id);
      await rt.stopPod(spec.uid);
      expect(await readAll(await rt.logs(id, { follow: false, timestamps: false }))).toBe('kept\n');
      await rt.removePod(spec.uid);
      await expect(rt.logs(id, { follow: false, timestamps: false })).rejects.toThrow();
    }, timeout);
  });
}
