import { REF } from '@/sandbox/cluster/api/registry';
import { StatusError } from '@/sandbox/cluster/api/errors';
import { containerStatus, eventually, phase, readAll, startHarness, waitFor, type KubeletHarness } from './harness';

let h: KubeletHarness;

beforeEach(async () => {
  h = await startHarness({ skipSystemObjects: true });
});

afterEach(async () => {
  await h.stop();
});

describe('pod lifecycle on the simulated runtime', () => {
  test('a bound nginx pod goes Running with an IP from its node block, container statuses and upstream events', async () => {
    h.createPod('nginx-pod', { containers: [{ name: 'nginx', image: 'nginx' }] }, 'w2-k8s');
    const pod = await waitFor(() => {
      const p = h.pod('nginx-pod');
      return phase(p) === 'Running' && containerStatus(p)?.ready ? p : undefined;
    }, 'nginx-pod Running and ready');
    const status = pod.status as Record<string, any>;
    expect(status.podIP).toMatch(/^172\.16\.103\.\d+$/);
    expect(status.podIPs).toEqual([{ ip: status.podIP }]);
    expect(status.hostIP).toBe('192.168.1.102');
    expect(typeof status.startTime).toBe('string');
    const cs = containerStatus(pod)!;
    expect(cs.name).toBe('nginx');
    expect(cs.image).toBe('docker.io/library/nginx:latest');
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.started).toBe(true);
    expect(cs.restartCount).toBe(0);
    expect(Object.keys(cs.state)).toEqual(['running']);
    const conditions = Object.fromEntries((status.conditions as Array<{ type: string; status: string }>).map((c) => [c.type, c.status]));
    expect(conditions).toEqual({ PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });

    const events = h.events('nginx-pod');
    const reasons = events.map((e) => e.reason);
    expect(reasons).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    expect(events[0].message).toBe('Pulling image "nginx"');
    expect(events[1].message).toMatch(/^Successfully pulled image "nginx" in \d+(\.\d+)?m?s \(\d+(\.\d+)?m?s including waiting\)\. Image size: \d+ bytes\.$/);
    expect(events[2].message).toBe('Container created');
    expect(events[3].message).toBe('Container started');
    expect(events.every((e) => e.fieldPath === 'spec.containers{nginx}' && e.host === 'w2-k8s')).toBe(true);
  });

  test('pods on one node get distinct increasing IPs; IfNotPresent uses the cached image', async () => {
    h.createPod('a', { containers: [{ name: 'web', image: 'nginx:1.16.0' }] }, 'w1-k8s');
    const a = await waitFor(() => (phase(h.pod('a')) === 'Running' ? h.pod('a') : undefined), 'a Running');
    h.createPod('b', { containers: [{ name: 'web', image: 'nginx:1.16.0' }] }, 'w1-k8s');
    const b = await waitFor(() => (phase(h.pod('b')) === 'Running' ? h.pod('b') : undefined), 'b Running');
    const ipA = (a.status as { podIP: string }).podIP;
    const ipB = (b.status as { podIP: string }).podIP;
    expect(ipA).toMatch(/^172\.16\.221\./);
    expect(Number(ipB.split('.')[3])).toBeGreaterThan(Number(ipA.split('.')[3]));
    expect(h.events('b').find((e) => e.reason === 'Pulled')?.message).toBe('Container image "nginx:1.16.0" already present on machine and can be accessed by the pod');
  });

  test('an unknown tag gives ErrImagePull, then ImagePullBackOff with back-off events; the pod stays Pending', async () => {
    h.createPod('bad', { containers: [{ name: 'nginx', image: 'nginx:1.17.23' }] });
    // ErrImagePull shows only briefly at timeScale 0 (its events are checked below).
    await waitFor(() => ['ErrImagePull', 'ImagePullBackOff'].includes(containerStatus(h.pod('bad'))?.state?.waiting?.reason), 'ErrImagePull');
    const backoff = await waitFor(() => {
      const cs = containerStatus(h.pod('bad'));
      return cs?.state?.waiting?.reason === 'ImagePullBackOff' ? cs : undefined;
    }, 'ImagePullBackOff');
    expect(backoff.state.waiting.message).toContain('Back-off pulling image "nginx:1.17.23"');
    expect(phase(h.pod('bad'))).toBe('Pending');
    const events = h.events('bad');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'Warning',
          reason: 'Failed',
          message:
            'Failed to pull image "nginx:1.17.23": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.17.23": failed to resolve reference "docker.io/library/nginx:1.17.23": docker.io/library/nginx:1.17.23: not found',
        }),
        expect.objectContaining({ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' }),
        expect.objectContaining({ type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image "nginx:1.17.23"' }),
        expect.objectContaining({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' }),
      ]),
    );
    await expect(h.kubelets.podIO.logs('default', 'bad', {})).rejects.toThrow('container "nginx" in pod "bad" is waiting to start: trying and failing to pull image');
  });

  test('a crashing container restarts with growing back-off (CrashLoopBackOff) and keeps its pod IP', async () => {
    h.createPod('crash', { containers: [{ name: 'bb', image: 'busybox', command: ['sh', '-c', 'echo boom; exit 3'] }] });
    const first = await waitFor(() => (h.pod('crash')?.status as { podIP?: string } | undefined)?.podIP, 'pod IP');
    const cs = await waitFor(() => {
      const c = containerStatus(h.pod('crash'));
      return c && c.restartCount >= 2 && c.state?.waiting?.reason === 'CrashLoopBackOff' ? c : undefined;
    }, 'CrashLoopBackOff after two restarts');
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(cs.state.waiting.message).toMatch(/^back-off \d+s restarting failed container=bb pod=crash_default\(/);
    expect(phase(h.pod('crash'))).toBe('Running');
    expect((h.pod('crash')!.status as { podIP: string }).podIP).toBe(first);
    const backoff = h.events('crash').find((e) => e.reason === 'BackOff');
    expect(backoff?.type).toBe('Warning');
    expect(backoff?.message).toMatch(/^Back-off restarting failed container bb in pod crash_default\(/);
    // The crashed container's genuine output is served, and --previous shows the run before.
    expect(await readAll(await h.kubelets.podIO.logs('default', 'crash', {}))).toBe('boom\n');
    expect(await readAll(await h.kubelets.podIO.logs('default', 'crash', { previous: true }))).toBe('boom\n');
  });

  test('restartPolicy Never: exit 0 → Succeeded, non-zero → Failed', async () => {
    h.createPod('ok', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hi'] }] });
    h.createPod('ko', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['false'] }] });
    const ok = await waitFor(() => (phase(h.pod('ok')) === 'Succeeded' ? h.pod('ok') : undefined), 'ok Succeeded');
    const ko = await waitFor(() => (phase(h.pod('ko')) === 'Failed' ? h.pod('ko') : undefined), 'ko Failed');
    expect(containerStatus(ok)!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(containerStatus(ko)!.state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const ready = (ok.status as { conditions: Array<{ type: string; status: string; reason?: string }> }).conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(await readAll(await h.kubelets.podIO.logs('default', 'ok', {}))).toBe('hi\n');
  });

  test('terminationMessagePolicy FallbackToLogsOnError puts the last output in the terminated message', async () => {
    h.createPod('msg', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', terminationMessagePolicy: 'FallbackToLogsOnError', command: ['sh', '-c', 'echo starting; echo "fatal: no config" >&2; exit 2'] }] });
    const failed = await waitFor(() => (phase(h.pod('msg')) === 'Failed' ? h.pod('msg') : undefined), 'msg Failed');
    expect(containerStatus(failed)!.state.terminated).toMatchObject({ exitCode: 2, reason: 'Error', message: 'starting\nfatal: no config\n' });
  });

  test('readiness gates keep the pod unready until their condition is True', async () => {
    h.createPod('gated', { readinessGates: [{ conditionType: 'example.com/lb-ready' }], containers: [{ name: 'web', image: 'nginx' }] });
    const pod = await waitFor(() => (containerStatus(h.pod('gated'))?.ready ? h.pod('gated') : undefined), 'container ready');
    const ready = () => (h.pod('gated')!.status as { conditions: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions.find((c) => c.type === 'Ready');
    expect(ready()).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb-ready" does not exist.' });
    h.store.mutate(REF.pods, 'default', 'gated', (p) => ({ ...p, status: { ...(p.status as object), conditions: [...((p.status as { conditions: unknown[] }).conditions ?? []), { type: 'example.com/lb-ready', status: 'True' }] } }), { subresource: 'status' });
    expect(pod).toBeDefined();
    await waitFor(() => ready()?.status === 'True', 'Ready once the gate is True');
  });

  test('a failing postStart hook kills the container (FailedPostStartHook); preStop runs before the kill', async () => {
    h.createPod('hooks', { containers: [{ name: 'web', image: 'nginx', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 1'] } } } }] });
    await waitFor(() => (containerStatus(h.pod('hooks'))?.restartCount ?? 0) >= 1, 'restart after the failed hook');
    const failed = h.events('hooks').find((e) => e.reason === 'FailedPostStartHook');
    expect(failed?.message).toMatch(/^Exec lifecycle hook \(\[sh -c exit 1\]\) for Container "web" in Pod "hooks_default\(.+\)" failed - error: /);
    expect(h.events('hooks').some((e) => e.reason === 'Killing' && e.message === 'FailedPostStartHook')).toBe(true);

    h.createPod('stopper', { containers: [{ name: 'web', image: 'nginx', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'exit 7'] } } } }] });
    await waitFor(() => phase(h.pod('stopper')) === 'Running', 'stopper Running');
    h.store.delete(REF.pods, 'default', 'stopper', {});
    await waitFor(() => !h.pod('stopper'), 'stopper deleted');
    expect(h.events('stopper').some((e) => e.reason === 'FailedPreStopHook' && e.type === 'Warning')).toBe(true);
  });

  test('containers get service environment variables (KUBERNETES_SERVICE_HOST, <SVC>_SERVICE_HOST…)', async () => {
    h.store.create(REF.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } });
    h.store.create(REF.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-svc', namespace: 'default' }, spec: { clusterIP: '10.101.2.3', ports: [{ port: 80, protocol: 'TCP' }] } });
    h.createPod('envs', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT $WEB_SVC_SERVICE_HOST $WEB_SVC_PORT'] }] });
    await waitFor(() => phase(h.pod('envs')) === 'Succeeded', 'envs Succeeded');
    expect(await readAll(await h.kubelets.podIO.logs('default', 'envs', {}))).toBe('10.96.0.1:443 10.101.2.3 tcp://10.101.2.3:80\n');
  });

  test('an emptyDir volume is shared by the pod\'s containers', async () => {
    h.createPod('shared', {
      volumes: [{ name: 'scratch', emptyDir: {} }],
      containers: [
        { name: 'writer', image: 'busybox', command: ['sh', '-c', 'echo "hello from writer" > /data/msg; sleep 3600'], volumeMounts: [{ name: 'scratch', mountPath: '/data' }] },
        { name: 'reader', image: 'busybox', command: ['sh', '-c', 'sleep 0.3; cat /pod-data/msg; sleep 3600'], volumeMounts: [{ name: 'scratch', mountPath: '/pod-data' }] },
      ],
    });
    await waitFor(() => phase(h.pod('shared')) === 'Running', 'shared Running');
    const logs = await eventually(async () => {
      const text = await readAll(await h.kubelets.podIO.logs('default', 'shared', { container: 'reader' }));
      return text ? text : undefined;
    }, 'reader output');
    expect(logs).toBe('hello from writer\n');
  });

  test('OnFailure restarts a failing container but leaves a succeeded one alone', async () => {
    h.createPod('job', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 0'] }] });
    await waitFor(() => phase(h.pod('job')) === 'Succeeded', 'job Succeeded');
    expect(containerStatus(h.pod('job'))!.restartCount).toBe(0);
  });

  test('init containers run to completion before the main container', async () => {
    h.createPod('init', {
      initContainers: [{ name: 'setup', image: 'busybox', command: ['sh', '-c', 'echo preparing; sleep 0.1'] }],
      containers: [{ name: 'web', image: 'nginx' }],
    });
    await waitFor(() => (h.pod('init')?.status as { initContainerStatuses?: Array<{ state: { running?: unknown } }> })?.initContainerStatuses?.[0]?.state?.running, 'init container running');
    const st = h.pod('init')!.status as Record<string, any>;
    expect(st.phase).toBe('Pending');
    expect(st.containerStatuses[0].state.waiting.reason).toBe('PodInitializing');
    expect(st.conditions.find((c: { type: string }) => c.type === 'Initialized')).toMatchObject({ status: 'False', message: 'containers with incomplete status: [setup]' });
    const done = await waitFor(() => (phase(h.pod('init')) === 'Running' ? h.pod('init') : undefined), 'init pod Running');
    expect((done.status as Record<string, any>).initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await readAll(await h.kubelets.podIO.logs('default', 'init', { container: 'setup' }))).toBe('preparing\n');
  });

  test('graceful deletion kills containers (Killing event) and removes the pod; shell PID 1 waits for SIGKILL', async () => {
    h.createPod('web', { terminationGracePeriodSeconds: 30, containers: [{ name: 'nginx', image: 'nginx' }] });
    await waitFor(() => phase(h.pod('web')) === 'Running', 'web Running');
    h.store.delete(REF.pods, 'default', 'web', {});
    expect(h.pod('web')?.metadata.deletionTimestamp).toBeDefined();
    await waitFor(() => !h.pod('web'), 'web removed');
    expect(h.events('web').some((e) => e.reason === 'Killing' && e.message === 'Stopping container nginx')).toBe(true);

    // A real-time grace period (timeScale 1) for a sleeping shell: it ignores SIGTERM, so the pod
    // stays Terminating until the grace period ends.
    const slow = await startHarness({ skipSystemObjects: true, options: { timeScale: 1 } });
    try {
      slow.createPod('sleeper', { terminationGracePeriodSeconds: 1, containers: [{ name: 'bb', image: 'busybox:1.36', command: ['sleep', '3600'] }] });
      await waitFor(() => phase(slow.pod('sleeper')) === 'Running', 'sleeper Running');
      const t0 = Date.now();
      slow.store.delete(REF.pods, 'default', 'sleeper', {});
      await waitFor(() => !slow.pod('sleeper'), 'sleeper removed');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    } finally {
      await slow.stop();
    }
  });

  test('liveness probe failures restart the container; readiness failures flip Ready', async () => {
    h.createPod('live', {
      containers: [
        {
          name: 'web',
          image: 'nginx',
          livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1, failureThreshold: 2 },
        },
      ],
    });
    await waitFor(() => (containerStatus(h.pod('live'))?.restartCount ?? 0) >= 1, 'restart after liveness failure');
    const events = h.events('live');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 404' }),
        expect.objectContaining({ type: 'Normal', reason: 'Killing', message: 'Container web failed liveness probe, will be restarted' }),
      ]),
    );

    h.createPod('ready', {
      containers: [{ name: 'bb', image: 'busybox', command: ['sh', '-c', 'touch /tmp/ready; sleep 0.3; rm /tmp/ready; sleep 3600'], readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 } }],
    });
    await waitFor(() => containerStatus(h.pod('ready'))?.ready === true, 'ready');
    await waitFor(() => phase(h.pod('ready')) === 'Running' && containerStatus(h.pod('ready'))?.ready === false, 'unready after the file is removed');
    expect(h.events('ready').some((e) => e.reason === 'Unhealthy' && e.message.startsWith("Readiness probe failed: cat: can't open '/tmp/ready'"))).toBe(true);
  });

  test('logs are honest; exec and port-forward name the full profile', async () => {
    h.createPod('talker', { containers: [{ name: 'bb', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; sleep 3600'] }] });
    h.createPod('web', { containers: [{ name: 'nginx', image: 'nginx' }] });
    h.createPod('opaque', { containers: [{ name: 'bb', image: 'busybox', command: ['sh', '-c', 'wget -qO- http://example.com | head'] }] });
    await waitFor(() => phase(h.pod('talker')) === 'Running' && phase(h.pod('web')) === 'Running' && phase(h.pod('opaque')) === 'Running', 'pods Running');
    const io = h.kubelets.podIO;
    expect(await readAll(await io.logs('default', 'talker', { tailLines: 2 }))).toBe('line 2\nline 3\n');
    expect(await readAll(await io.logs('default', 'talker', { timestamps: true, tailLines: 1 }))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 3\n$/);
    expect(await readAll(await io.logs('default', 'web', {}))).toBe('');
    await expect(io.logs('default', 'opaque', {})).rejects.toThrow(/simulated runtime.*`full` profile/);
    await expect(io.logs('default', 'nope', {})).rejects.toThrow('pods "nope" not found');
    await expect(io.logs('default', 'web', { container: 'x' })).rejects.toThrow('container x is not valid for pod web');
    const err = await io.exec('default', 'web', { command: ['sh'], tty: true, stdin: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(400);
    expect((err as StatusError).message).toBe('pod web runs on the simulated runtime (no processes); start a sandbox with the `full` profile to exec into real containers');
    await expect(io.portForward('default', 'web', 80)).rejects.toThrow(/full` profile/);
  });

  test('a missing ConfigMap volume keeps the pod ContainerCreating (FailedMount) until it exists; mounted files and env are visible', async () => {
    h.createPod('cfg', {
      volumes: [{ name: 'settings', configMap: { name: 'app-config' } }],
      containers: [
        {
          name: 'app',
          image: 'busybox',
          command: ['sh', '-c', 'cat /etc/app/greeting; echo "mode=$MODE"; sleep 3600'],
          env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } }],
          volumeMounts: [{ name: 'settings', mountPath: '/etc/app' }],
        },
      ],
    });
    await waitFor(() => h.events('cfg').find((e) => e.reason === 'FailedMount'), 'FailedMount event');
    expect(h.events('cfg').find((e) => e.reason === 'FailedMount')).toMatchObject({ type: 'Warning', message: 'MountVolume.SetUp failed for volume "settings" : configmap "app-config" not found' });
    expect(phase(h.pod('cfg'))).toBe('Pending');
    expect(containerStatus(h.pod('cfg'))?.state?.waiting?.reason).toBe('ContainerCreating');
    h.store.create(REF.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data: { greeting: 'hello from a configmap\n', mode: 'blue' } });
    await waitFor(() => phase(h.pod('cfg')) === 'Running', 'cfg Running once the ConfigMap exists', 20_000);
    expect(await readAll(await h.kubelets.podIO.logs('default', 'cfg', {}))).toBe('hello from a configmap\nmode=blue\n');
  });

  test('activeDeadlineSeconds fails the pod with DeadlineExceeded', async () => {
    h.createPod('deadline', { activeDeadlineSeconds: 1, containers: [{ name: 'web', image: 'nginx' }] });
    await waitFor(() => phase(h.pod('deadline')) === 'Running', 'deadline Running');
    const failed = await waitFor(() => (phase(h.pod('deadline')) === 'Failed' ? h.pod('deadline') : undefined), 'deadline Failed', 20_000);
    expect(failed.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(containerStatus(failed)!.state.terminated).toBeDefined();
    expect(h.events('deadline').some((e) => e.reason === 'DeadlineExceeded')).toBe(true);
  });

  test('a sidecar (restartable init container) starts before the app, keeps running, and is stopped when a Job-style pod completes', async () => {
    h.createPod('with-sidecar', {
      restartPolicy: 'Never',
      initContainers: [{ name: 'proxy', image: 'nginx', restartPolicy: 'Always' }],
      containers: [{ name: 'task', image: 'busybox', command: ['sh', '-c', 'echo working; sleep 0.3'] }],
    });
    const running = await waitFor(() => (phase(h.pod('with-sidecar')) === 'Running' ? h.pod('with-sidecar') : undefined), 'with-sidecar Running');
    const st = running.status as Record<string, any>;
    expect(st.initContainerStatuses[0]).toMatchObject({ name: 'proxy', started: true, ready: true });
    expect(Object.keys(st.initContainerStatuses[0].state)).toEqual(['running']);
    const done = await waitFor(() => (phase(h.pod('with-sidecar')) === 'Succeeded' ? h.pod('with-sidecar') : undefined), 'with-sidecar Succeeded');
    expect(containerStatus(done)!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    await waitFor(() => (h.pod('with-sidecar')!.status as Record<string, any>).initContainerStatuses[0].state.terminated, 'sidecar reported stopped');
  });
});
