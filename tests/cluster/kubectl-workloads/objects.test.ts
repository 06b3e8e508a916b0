// Services, StatefulSets, Jobs/CronJobs, namespaces and rollout restart/pause through the real kubectl.
import { hasKubectl, startTestCluster, type TestCluster } from '../support/cluster';

const d = hasKubectl() ? describe : describe.skip;

async function until(c: TestCluster, args: string | string[], pred: (out: string) => boolean, what: string, timeoutMs = 30000): Promise<string> {
  const start = Date.now();
  let last = '';
  for (;;) {
    const r = await c.kubectl(args);
    last = r.stdout + r.stderr;
    if (r.code === 0 && pred(r.stdout)) return r.stdout;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; last output:\n${last}`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

d('kubectl and the other controllers', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
  }, 60000);
  afterAll(async () => c?.stop());

  it('exposes a deployment: ClusterIP/NodePort allocation, endpoints, describe, load balancer IPs', async () => {
    await c.kubectl('create deployment web --image=nginx --replicas=2');
    expect((await c.kubectl('expose deployment web --port=80 --type=NodePort')).stdout).toBe('service/web exposed\n');
    const svc = JSON.parse((await c.kubectl('get svc web -o json')).stdout);
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    expect(svc.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const ep = await until(c, 'get endpoints web -o jsonpath={.subsets[0].addresses[*].ip}', (o) => o.trim().split(' ').length === 2, 'two endpoints');
    const podIPs = (await c.kubectl('get pods -l app=web -o jsonpath={.items[*].status.podIP}')).stdout.trim().split(' ').sort();
    expect(ep.trim().split(' ').sort()).toEqual(podIPs);
    const described = await c.kubectl('describe svc web');
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Endpoints:\s+172\.16\.\d+\.\d+:80,172\.16\.\d+\.\d+:80/);
    expect(described.stdout).toMatch(/NodePort:\s+<unset>\s+\d+\/TCP/);

    const clash = await c.kubectl(['create', 'service', 'nodeport', 'clash', '--tcp=80:80', `--node-port=${svc.spec.ports[0].nodePort}`]);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain(`spec.ports[0].nodePort: Invalid value: ${svc.spec.ports[0].nodePort}: provided port is already allocated`);

    for (const n of ['lb1', 'lb2', 'lb3', 'lb4']) await c.kubectl(`create service loadbalancer ${n} --tcp=80:80`);
    const out = await until(c, 'get svc -l app=lb1 --no-headers', (o) => /192\.168\.1\.1[123]/.test(o), 'lb1 ip');
    expect(out).toMatch(/lb1\s+LoadBalancer\s+\S+\s+192\.168\.1\.11\s+80:\d+\/TCP/);
    const pending = await until(c, 'get svc lb4 --no-headers', (o) => o.includes('<pending>'), 'lb4 pending');
    expect(pending).toMatch(/lb4\s+LoadBalancer\s+\S+\s+<pending>/);

    const immutable = await c.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}']);
    expect(immutable.stderr).toContain('field is immutable');
  });

  it('rollout restart, pause and resume', async () => {
    await until(c, 'get deploy web -o jsonpath={.status.availableReplicas}', (o) => o === '2', 'web available');
    expect((await c.kubectl('rollout restart deployment web')).stdout).toBe('deployment.apps/web restarted\n');
    expect((await c.kubectl('rollout status deployment web --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    expect((await c.kubectl('rollout history deployment web')).stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect((await c.kubectl('rollout pause deployment web')).stdout).toBe('deployment.apps/web paused\n');
    await c.kubectl('set image deployment web nginx=nginx:1.16.0');
    await new Promise((r) => setTimeout(r, 500));
    expect((await c.kubectl('get rs -l app=web --no-headers')).stdout.trim().split('\n')).toHaveLength(2);
    expect((await c.kubectl('rollout resume deployment web')).stdout).toBe('deployment.apps/web resumed\n');
    expect((await c.kubectl('rollout status deployment web --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    expect((await c.kubectl('get rs -l app=web --no-headers')).stdout.trim().split('\n')).toHaveLength(3);
  }, 120000);

  it('statefulset with claims, scale and delete', async () => {
    const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: nginx
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
`;
    expect((await c.kubectl('apply -f -', { stdin: manifest })).stdout).toBe('statefulset.apps/db created\n');
    expect((await c.kubectl('rollout status statefulset db --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('partitioned roll out complete: 3 new pods have been updated...');
    expect((await c.kubectl('get pods -l app=db -o name')).stdout).toBe('pod/db-0\npod/db-1\npod/db-2\n');
    const pvcs = await until(c, 'get pvc --no-headers', (o) => (o.match(/Bound/g) ?? []).length === 3, 'claims bound');
    expect(pvcs).toMatch(/data-db-0\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+standard/);
    expect((await c.kubectl('get storageclass --no-headers')).stdout).toMatch(/^standard \(default\)\s+kubelab\.io\/hostpath\s+Delete\s+Immediate/);
    await c.kubectl('scale statefulset db --replicas=1');
    await until(c, 'get pods -l app=db -o name', (o) => o === 'pod/db-0\n', 'scaled to 1');
    expect((await c.kubectl('get pvc -o name')).stdout.split('\n').filter((l) => l.includes('data-db-')).length).toBe(3);
  }, 120000);

  it('jobs, cronjobs and create job --from=cronjob', async () => {
    await c.kubectl(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'done']);
    expect((await c.kubectl('wait --for=condition=complete job/once --timeout=60s', { timeoutMs: 70000 })).stdout).toBe('job.batch/once condition met\n');
    expect((await c.kubectl('get job once --no-headers')).stdout).toMatch(/^once\s+Complete\s+1\/1\s/);
    expect((await c.kubectl(['create', 'cronjob', 'hello', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi'])).stdout).toBe('cronjob.batch/hello created\n');
    const bad = await c.kubectl(['create', 'cronjob', 'bad', '--image=busybox', '--schedule=* * *']);
    expect(bad.stderr).toContain('spec.schedule: Invalid value: "* * *"');
    expect((await c.kubectl('create job manual --from=cronjob/hello')).stdout).toBe('job.batch/manual created\n');
    expect((await c.kubectl('wait --for=condition=complete job/manual --timeout=60s', { timeoutMs: 70000 })).code).toBe(0);
    const job = JSON.parse((await c.kubectl('get job manual -o json')).stdout);
    expect(job.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'hello' });
  }, 120000);

  it('DaemonSet and StatefulSet rollout history and undo through ControllerRevisions', async () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: nginx:1.15.12
`;
    expect((await c.kubectl('apply -f -', { stdin: ds })).stdout).toBe('daemonset.apps/agent created\n');
    expect((await c.kubectl('rollout status ds/agent --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('daemon set "agent" successfully rolled out');
    expect((await c.kubectl('get pods -l app=agent -o jsonpath={.items[*].spec.nodeName}')).stdout.split(' ').sort()).toEqual(['w1-k8s', 'w2-k8s', 'w3-k8s']);
    await c.kubectl('set image ds/agent agent=nginx:1.16.0');
    expect((await c.kubectl('rollout status ds/agent --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    expect((await c.kubectl('rollout history ds/agent')).stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect((await c.kubectl('rollout undo ds/agent')).stdout).toBe('daemonset.apps/agent rolled back\n');
    expect((await c.kubectl('rollout status ds/agent --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    await until(c, 'get pods -l app=agent -o jsonpath={.items[*].spec.containers[0].image}', (o) => o.split(' ').length === 3 && o.split(' ').every((i) => i === 'nginx:1.15.12'), 'ds back on 1.15.12');
    expect((await c.kubectl('rollout history ds/agent')).stdout).toMatch(/\n2\s+<none>\n3\s+<none>\n\n?$/);

    await c.kubectl('set image statefulset/db db=nginx:1.16.0');
    expect((await c.kubectl('rollout status statefulset/db --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('partitioned roll out complete: 1 new pods have been updated...');
    expect((await c.kubectl('rollout undo statefulset/db')).stdout).toBe('statefulset.apps/db rolled back\n');
    await until(c, 'get pods -l app=db -o jsonpath={.items[*].spec.containers[0].image}', (o) => o.trim() === 'nginx', 'sts back on nginx');
  }, 120000);

  it('autoscale without metrics-server: bounds enforced, targets unknown', async () => {
    await c.kubectl('create deployment auto --image=nginx --replicas=1');
    expect((await c.kubectl('autoscale deployment auto --min=2 --max=5 --cpu=50%')).stdout).toBe('horizontalpodautoscaler.autoscaling/auto autoscaled\n');
    await until(c, 'get deploy auto -o jsonpath={.spec.replicas}', (o) => o === '2', 'scaled to minReplicas');
    const hpa = await until(c, 'get hpa auto --no-headers', (o) => /cpu: <unknown>\/50%\s+2\s+5\s+2/.test(o), 'hpa status');
    expect(hpa).toMatch(/^auto\s+Deployment\/auto\s+cpu: <unknown>\/50%/);
    const described = await c.kubectl('describe hpa auto');
    expect(described.stdout).toContain('New size: 2; reason: Current number of replicas below Spec.MinReplicas');
    expect(described.stdout).toMatch(/ScalingActive\s+False\s+FailedGetResourceMetric/);
  });

  it('deleting a namespace removes its content', async () => {
    await c.kubectl('create namespace team');
    await c.kubectl('create deployment a --image=nginx -n team');
    await until(c, 'get pods -n team --no-headers', (o) => o.includes('Running'), 'pod in team');
    const del = await c.kubectl('delete namespace team', { timeoutMs: 60000 });
    expect(del.stdout).toBe('namespace "team" deleted\n');
    await until(c, 'get ns -o name', (o) => !o.includes('namespace/team'), 'namespace gone');
    expect((await c.kubectl('get all -n team')).stderr).toMatch(/No resources found in team namespace/);
  }, 120000);
});
