// The mini-cluster in a full-profile sandbox runs learner pods as real containers on the sandbox's
// own Docker daemon: a Deployment's pods serve nginx on their pod IPs, `kubectl exec` reaches the
// real process, killing PID 1 shows up as a restart, a tag the mirror lacks is ErrImagePull, and
// after a stop and start of the sandbox (inner dockerd restarted: every container stopped) the
// kubelets restart the pods' containers like after a node reboot.
import { describeDocker, ensureTestImages, expectOk, testDriver, uniqueId, waitFor } from './helpers';

jest.setTimeout(20 * 60_000);

describeDocker('docker driver: kubernetes with real pods', () => {
  const driver = testDriver({ settings: { memoryBytes: 1536 * 1024 ** 2 } });
  const id = uniqueId('k8s');
  const kubectl = (args: string) => driver.exec(id, `kubectl ${args}`, { timeoutMs: 60_000 });

  beforeAll(async () => {
    await ensureTestImages();
    const info = await driver.create({ id, userId: 'learner-k8s', profile: 'full' });
    expect(info).toMatchObject({ state: 'running', profile: 'full' });
  });
  afterAll(async () => {
    await driver.reset(id).catch(() => undefined);
    await driver.close();
  });

  it('kubectl create deployment web --image=nginx --replicas=3 runs three real nginx containers', async () => {
    expectOk(await kubectl('create deployment web --image=nginx --replicas=3'), 'create deployment');
    await waitFor('3 running pods', async () => {
      const r = await kubectl("get pods -l app=web --no-headers -o custom-columns=S:.status.phase,R:.status.containerStatuses[0].ready");
      return r.stdout.trim().split('\n').filter((l) => /^Running\s+true$/.test(l.trim())).length === 3;
    }, 300_000);
    const containers = expectOk(await driver.exec(id, "docker ps --filter label=io.kubernetes.container.name=nginx --format '{{.Image}}'"), 'docker ps').stdout.trim().split('\n');
    expect(containers).toHaveLength(3);
    const ip = expectOk(await kubectl("get pods -l app=web -o jsonpath='{.items[0].status.podIP}'"), 'pod ip').stdout.trim();
    expect(ip).toMatch(/^172\.16\./);
    expect(expectOk(await driver.exec(id, `curl -s -m 5 http://${ip}/`), 'curl pod').stdout).toContain('Welcome to nginx!');
  });

  it('kubectl exec reaches the real container; killing its PID 1 counts one restart', async () => {
    const pod = expectOk(await kubectl("get pods -l app=web -o jsonpath='{.items[0].metadata.name}'"), 'pod name').stdout.trim();
    expect(expectOk(await kubectl(`exec ${pod} -- hostname`), 'exec hostname').stdout.trim()).toBe(pod);
    expect(expectOk(await kubectl(`exec ${pod} -- cat /proc/1/comm`), 'exec comm').stdout.trim()).toBe('nginx');
    await kubectl(`exec ${pod} -- kill 1`);
    const restarts = await waitFor('RESTARTS to become 1', async () => {
      const r = await kubectl(`get pod ${pod} -o jsonpath='{.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}'`);
      return /^1 true$/.test(r.stdout.trim()) && r.stdout.trim();
    }, 120_000);
    expect(restarts).toBe('1 true');
    expect(expectOk(await kubectl('get pods'), 'get pods').stdout).toMatch(new RegExp(`${pod}\\s+1/1\\s+Running\\s+1 \\(`));
  });

  it('a NodePort service answers from the sandbox shell (NodePort and ClusterIP) and by DNS name from a pod', async () => {
    expectOk(await kubectl('expose deployment web --port=80 --type=NodePort'), 'expose');
    const ip = expectOk(await kubectl("get svc web -o jsonpath='{.spec.clusterIP}'"), 'cluster ip').stdout.trim();
    const nodePort = expectOk(await kubectl("get svc web -o jsonpath='{.spec.ports[0].nodePort}'"), 'node port').stdout.trim();
    const page = (cmd: string) => waitFor(cmd, async () => {
      const r = await driver.exec(id, cmd, { timeoutMs: 30_000 });
      return r.stdout.includes('Welcome to nginx!') && r.stdout;
    }, 60_000);
    await page(`curl -s -m 3 http://localhost:${nodePort}/`);
    await page(`curl -s -m 3 http://${ip}/`);
    const pod = expectOk(await kubectl("get pods -l app=web -o jsonpath='{.items[1].metadata.name}'"), 'pod name').stdout.trim();
    await page(`kubectl exec ${pod} -- curl -s -m 5 http://web.default.svc.cluster.local/`);
    await page(`kubectl exec ${pod} -- curl -s -m 5 http://web/`);
  });

  it('an image tag the mirror lacks fails with ErrImagePull / ImagePullBackOff and the containerd message', async () => {
    expectOk(await kubectl('run bad --image=nginx:1.17.23'), 'run bad');
    const reason = await waitFor('the pull failure', async () => {
      const r = await kubectl("get pod bad -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}'");
      return /ErrImagePull|ImagePullBackOff/.test(r.stdout) && r.stdout.trim();
    }, 120_000);
    expect(reason).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(expectOk(await kubectl('describe pod bad'), 'describe').stdout).toContain('docker.io/library/nginx:1.17.23: not found');
  });

  it('kubectl logs shows the container output', async () => {
    expectOk(await kubectl("run talker --image=busybox --restart=Never -- sh -c 'echo hello-from-pod; sleep 3600'"), 'run talker');
    const logs = await waitFor('the log line', async () => {
      const r = await kubectl('logs talker');
      return r.stdout.includes('hello-from-pod') && r.stdout;
    }, 180_000);
    expect(logs).toBe('hello-from-pod\n');
  });

  it('after a stop and start of the sandbox, the web pods are restarted (counted) and answer again; none claims a container that is not running', async () => {
    type PodView = { name: string; ip: string; restarts: number; running: boolean; ready: boolean; containerID: string };
    const pods = async (): Promise<PodView[]> => {
      const r = expectOk(await kubectl("get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIP} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].state.running.startedAt} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].containerID}{\"\\n\"}{end}'"), 'get pods');
      return r.stdout.trim().split('\n').map((line) => {
        const [name, ip, restarts, startedAt, ready, containerID] = line.split(' ');
        return { name, ip, restarts: Number(restarts), running: startedAt !== '', ready: ready === 'true', containerID: containerID ?? '' };
      });
    };
    const before = new Map((await pods()).map((p) => [p.name, p]));
    expect(before.size).toBe(3);
    await driver.stop(id);
    expect((await driver.create({ id, userId: 'learner-k8s', profile: 'full' })).state).toBe('running');
    const lies: string[] = [];
    const after = await waitFor('the web pods running again', async () => {
      const now = await pods();
      const running = new Set(expectOk(await driver.exec(id, 'docker ps -q --no-trunc'), 'docker ps').stdout.trim().split('\n'));
      // Checked on every poll: a pod that says running must have its container running.
      for (const p of now) if (p.running && !running.has(p.containerID.replace('docker://', ''))) lies.push(`${p.name} reports ${p.containerID} running`);
      return now.length === 3 && now.every((p) => p.running && p.ready && p.restarts === before.get(p.name)!.restarts + 1) && now;
    }, 300_000);
    expect(lies).toEqual([]);
    for (const p of after) {
      expect(p.ip).toBe(before.get(p.name)!.ip);
      expect(p.containerID).not.toBe(before.get(p.name)!.containerID);
      expect(expectOk(await driver.exec(id, `curl -s -m 5 http://${p.ip}/`), `curl ${p.name}`).stdout).toContain('Welcome to nginx!');
    }
    const last = expectOk(await kubectl(`get pod ${after[0].name} -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'`), 'lastState').stdout.trim();
    expect(last).toMatch(/^\d+$/);
  });
});
