// The kubelets seen through the real kubectl: nodes, kube-system, a pod's life and its errors.
import { hasKubectl, startTestCluster, type TestCluster } from '../support/cluster';

const describeWithKubectl = hasKubectl() ? describe : describe.skip;

describeWithKubectl('kubelets through the real kubectl', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  async function kubectlOk(args: string): Promise<string> {
    const r = await cluster.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  /** Polls a kubectl command until `check` accepts its output. */
  async function eventually(args: string, check: (out: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    let last = '';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await cluster.kubectl(args);
      last = r.stdout + r.stderr;
      if (r.code === 0 && check(r.stdout)) return r.stdout;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last output:\n${last}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  test('kubectl get nodes: four Ready nodes, control-plane role on m-k8s, v1.35.0', async () => {
    const out = await kubectlOk('get nodes');
    const rows = out.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    const byName = Object.fromEntries(rows.slice(1).map((r) => r.split(/\s+/)).map((c) => [c[0], c]));
    expect(Object.keys(byName).sort()).toEqual(['m-k8s', 'w1-k8s', 'w2-k8s', 'w3-k8s']);
    expect(byName['m-k8s'].slice(1, 3)).toEqual(['Ready', 'control-plane']);
    for (const w of ['w1-k8s', 'w2-k8s', 'w3-k8s']) expect(byName[w].slice(1, 3)).toEqual(['Ready', '<none>']);
    for (const r of Object.values(byName)) expect(r[4]).toBe('v1.35.0');

    const wide = await kubectlOk('get nodes -o wide');
    expect(wide).toMatch(/m-k8s\s+Ready\s+control-plane\s+\S+\s+v1\.35\.0\s+192\.168\.1\.10\s+<none>\s+Debian GNU\/Linux 12 \(bookworm\)\s+\S+\s+containerd:\/\/1\.7\.24/);
    const lease = JSON.parse(await kubectlOk('get lease -n kube-node-lease w1-k8s -o json'));
    expect(lease.spec.holderIdentity).toBe('w1-k8s');
    const taints = JSON.parse(await kubectlOk('get node m-k8s -o json')).spec.taints;
    expect(taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  test('kube-system: every pod Running like the notes (static pods, coredns ×2, calico/kube-proxy per node); kube-dns service', async () => {
    const out = await eventually(
      'get pods -n kube-system -o wide',
      (o) => {
        const rows = o.trim().split('\n').slice(1);
        return rows.length === 15 && rows.every((r) => /\s1\/1\s+Running\s+0\s/.test(r));
      },
      '15 kube-system pods 1/1 Running',
    );
    for (const n of ['etcd-m-k8s', 'kube-apiserver-m-k8s', 'kube-controller-manager-m-k8s', 'kube-scheduler-m-k8s']) expect(out).toMatch(new RegExp(`${n}\\s+1/1\\s+Running`));
    expect(out.match(/coredns-\S+\s+1\/1\s+Running/g)).toHaveLength(2);
    expect(out.match(/calico-kube-controllers-\S+\s+1\/1\s+Running/g)).toHaveLength(1);
    for (const ds of ['calico-node', 'kube-proxy']) {
      // Columns: NAME READY STATUS RESTARTS AGE IP NODE …
      const nodes = out.split('\n').filter((r) => new RegExp(`^${ds}-[a-z0-9]{5}\\s`).test(r)).map((r) => r.split(/\s+/)[6]).sort();
      expect(nodes).toEqual(['m-k8s', 'w1-k8s', 'w2-k8s', 'w3-k8s']);
    }
    expect(out).toMatch(/etcd-m-k8s\s+1\/1\s+Running\s+0\s+\S+\s+192\.168\.1\.10\s+m-k8s/);
    expect(out).toMatch(/coredns-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\S+\s+172\.16\.171\.\d+\s+m-k8s/);
    const svc = await kubectlOk('get svc -n kube-system kube-dns');
    expect(svc).toMatch(/kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP/);
  });

  test('kubectl run → Running with IP on a worker; describe shows the kubelet events; logs/exec are honest', async () => {
    await kubectlOk('run web --image=nginx');
    const row = await eventually('get pod web -o wide', (o) => /web\s+1\/1\s+Running/.test(o), 'web Running');
    expect(row).toMatch(/web\s+1\/1\s+Running\s+0\s+\S+\s+172\.16\.(221|103|132)\.\d+\s+w[123]-k8s/);
    const describe = await kubectlOk('describe pod web');
    expect(describe).toMatch(/Normal\s+Pulling\s+\S+\s+kubelet\s+spec\.containers\{web\}: Pulling image "nginx"/);
    expect(describe).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+spec\.containers\{web\}: Container started/);
    const logs = await cluster.kubectl('logs web');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toBe('');
    const exec = await cluster.kubectl('exec web -- ls');
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain('runs on the simulated runtime (no processes); start a sandbox with the `full` profile');
  });

  test('a bad tag shows ErrImagePull / ImagePullBackOff in kubectl get pods', async () => {
    await kubectlOk('run bad --image=nginx:1.17.23');
    const out = await eventually('get pod bad', (o) => /bad\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/.test(o), 'pull error status');
    expect(out).toMatch(/bad\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0/);
    const logs = await cluster.kubectl('logs bad');
    expect(logs.stderr).toMatch(/is waiting to start: (image can't be pulled|trying and failing to pull image)/);
  });

  test('a crashing busybox reaches CrashLoopBackOff with restarts; delete finishes', async () => {
    const run = await cluster.kubectl(['run', 'crash', '--image=busybox', '--', 'sh', '-c', 'echo crashing; exit 1']);
    expect(run.code).toBe(0);
    await eventually('get pod crash', (o) => /crash\s+0\/1\s+CrashLoopBackOff\s+([2-9]|\d{2,})\s/.test(o), 'CrashLoopBackOff');
    expect(await kubectlOk('logs crash')).toBe('crashing\n');
    expect(await kubectlOk('logs crash --previous')).toBe('crashing\n');
    await kubectlOk('delete pod crash --wait=true');
    const r = await cluster.kubectl('get pod crash');
    expect(r.stderr).toContain('pods "crash" not found');
  });
});
