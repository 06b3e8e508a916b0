// The Kubernetes track's workload flows, driven by the real kubectl against the mini-cluster:
// create/scale/self-heal, cordon/drain/uncordon, rolling update, stuck rollout, rollback.
import { hasKubectl, startTestCluster, type TestCluster } from '../support/cluster';

const d = hasKubectl() ? describe : describe.skip;

async function until(c: TestCluster, args: string, pred: (out: string) => boolean, what: string, timeoutMs = 30000): Promise<string> {
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

const POD_COLUMNS = '-o=custom-columns=NAME:.metadata.name,IP:.status.podIP,STATUS:.status.phase,NODE:.spec.nodeName --no-headers';

function rows(out: string): string[][] {
  return out.trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/));
}

function perNode(out: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows(out)) counts[r[3]] = (counts[r[3]] ?? 0) + 1;
  return counts;
}

d('kubectl workload lessons', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
  }, 60000);
  afterAll(async () => c?.stop());

  it('create deployment, scale evenly, self-heal, delete', async () => {
    expect((await c.kubectl('create deployment dpy-nginx --image=nginx')).stdout).toBe('deployment.apps/dpy-nginx created\n');
    expect((await c.kubectl('scale deployment dpy-nginx --replicas=3')).stdout).toBe('deployment.apps/dpy-nginx scaled\n');
    const out = await until(c, `get pods -l app=dpy-nginx ${POD_COLUMNS}`, (o) => rows(o).length === 3 && rows(o).every((r) => r[2] === 'Running'), '3 running pods');
    expect(perNode(out)).toEqual({ 'w1-k8s': 1, 'w2-k8s': 1, 'w3-k8s': 1 });
    for (const r of rows(out)) expect(r[0]).toMatch(/^dpy-nginx-[bcdf4-9]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);

    const victim = rows(out)[0][0];
    expect((await c.kubectl(`delete pod ${victim}`)).stdout).toMatch(new RegExp(`^pod "${victim}" deleted( from default namespace)?\\n$`));
    await until(c, `get pods -l app=dpy-nginx ${POD_COLUMNS}`, (o) => rows(o).length === 3 && !o.includes(victim) && rows(o).every((r) => r[2] === 'Running'), 'replacement');

    expect((await c.kubectl('scale deployment dpy-nginx --replicas=9')).code).toBe(0);
    const nine = await until(c, `get pods -l app=dpy-nginx ${POD_COLUMNS}`, (o) => rows(o).length === 9 && rows(o).every((r) => r[2] === 'Running'), '9 pods');
    expect(perNode(nine)).toEqual({ 'w1-k8s': 3, 'w2-k8s': 3, 'w3-k8s': 3 });
    await c.kubectl('scale deployment dpy-nginx --replicas=3');
    const three = await until(c, `get pods -l app=dpy-nginx ${POD_COLUMNS}`, (o) => rows(o).length === 3, 'back to 3');
    expect(perNode(three)).toEqual({ 'w1-k8s': 1, 'w2-k8s': 1, 'w3-k8s': 1 });

    expect((await c.kubectl('delete deployment dpy-nginx')).stdout).toMatch(/^deployment\.apps "dpy-nginx" deleted( from default namespace)?\n$/);
    await until(c, 'get pods,rs -l app=dpy-nginx -o name', (o) => o.trim() === '', 'pods and replicasets gone');
  });

  it('cordon, drain (DaemonSet pods block without --ignore-daemonsets), uncordon', async () => {
    await c.kubectl('create deployment echo-hname --image=sysnet4admin/echo-hname --replicas=3');
    await until(c, `get pods -l app=echo-hname ${POD_COLUMNS}`, (o) => rows(o).length === 3 && rows(o).every((r) => r[2] === 'Running'), '3 pods');
    expect((await c.kubectl('cordon w3-k8s')).stdout).toBe('node/w3-k8s cordoned\n');
    expect((await c.kubectl('get node w3-k8s --no-headers')).stdout).toMatch(/^w3-k8s\s+Ready,SchedulingDisabled\s/);
    await c.kubectl('scale deployment echo-hname --replicas=9');
    const nine = await until(c, `get pods -l app=echo-hname ${POD_COLUMNS}`, (o) => rows(o).length === 9 && rows(o).every((r) => r[2] === 'Running'), '9 pods');
    expect(perNode(nine)).toEqual({ 'w1-k8s': 4, 'w2-k8s': 4, 'w3-k8s': 1 });
    await c.kubectl('scale deployment echo-hname --replicas=3');
    await until(c, `get pods -l app=echo-hname ${POD_COLUMNS}`, (o) => rows(o).length === 3, 'back to 3');
    await c.kubectl('uncordon w3-k8s');
    await until(c, 'get node w3-k8s -o jsonpath={.spec.taints}', (o) => !o.includes('unschedulable'), 'cordon taint removed');

    const refused = await c.kubectl('drain w3-k8s');
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('node/w3-k8s cordoned');
    expect(refused.stderr).toMatch(/cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): kube-system\/calico-node-\w+, kube-system\/kube-proxy-\w+/);

    const drained = await c.kubectl('drain w3-k8s --ignore-daemonsets', { timeoutMs: 90000 });
    expect(drained.code).toBe(0);
    expect(drained.stdout + drained.stderr).toContain('node/w3-k8s already cordoned');
    expect(drained.stdout + drained.stderr).toMatch(/Warning: ignoring DaemonSet-managed Pods: kube-system\/calico-node-\w+, kube-system\/kube-proxy-\w+/);
    expect(drained.stdout).toContain('node/w3-k8s drained');
    const after = await until(c, `get pods -l app=echo-hname ${POD_COLUMNS}`, (o) => rows(o).length === 3 && rows(o).every((r) => r[2] === 'Running'), 'replaced');
    expect(perNode(after)['w3-k8s']).toBeUndefined();
    // DaemonSet pods stay on the drained node.
    const ds = await c.kubectl('get pods -n kube-system --field-selector spec.nodeName=w3-k8s -o name');
    expect(ds.stdout).toMatch(/pod\/calico-node-/);
    expect(ds.stdout).toMatch(/pod\/kube-proxy-/);
    expect((await c.kubectl('uncordon w3-k8s')).stdout).toBe('node/w3-k8s uncordoned\n');
    await c.kubectl('delete deployment echo-hname');
  });

  it('rolling update, stuck rollout, history, undo and undo --to-revision', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rollout-nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.15.12
`;
    const applied = await c.kubectl('apply -f - --record', { stdin: manifest });
    expect(applied.stdout).toBe('deployment.apps/rollout-nginx created\n');
    const status = await c.kubectl('rollout status deployment rollout-nginx --timeout=60s', { timeoutMs: 70000 });
    expect(status.stdout).toContain('deployment "rollout-nginx" successfully rolled out');
    let history = await c.kubectl('rollout history deployment rollout-nginx');
    expect(history.stdout).toMatch(/^deployment\.apps\/rollout-nginx \nREVISION\s+CHANGE-CAUSE\n1\s+kubectl apply --filename=- --record=true\n/);

    expect((await c.kubectl('set image deployment rollout-nginx nginx=nginx:1.16.0 --record')).stdout).toBe('deployment.apps/rollout-nginx image updated\n');
    expect((await c.kubectl('rollout status deployment rollout-nginx --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    const v16 = await until(c, `get pods -l app=nginx ${POD_COLUMNS}`, (o) => rows(o).length === 3, '3 pods on 1.16.0');
    expect(perNode(v16)).toEqual({ 'w1-k8s': 1, 'w2-k8s': 1, 'w3-k8s': 1 });

    await c.kubectl(['patch', 'deployment', 'rollout-nginx', '-p', '{"spec":{"progressDeadlineSeconds":3}}']);
    await c.kubectl('set image deployment rollout-nginx nginx=nginx:1.17.23 --record');
    const stuck = await c.kubectl('rollout status deployment rollout-nginx --timeout=60s', { timeoutMs: 70000 });
    expect(stuck.stdout).toContain('Waiting for deployment "rollout-nginx" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(stuck.stderr).toContain('error: deployment "rollout-nginx" exceeded its progress deadline');
    const describe = await c.kubectl('describe deployment rollout-nginx');
    expect(describe.stdout).toMatch(/OldReplicaSets:.*rollout-nginx-\w+ \(3\/3 replicas created\)/);
    expect(describe.stdout).toMatch(/NewReplicaSet:\s+rollout-nginx-\w+ \(1\/1 replicas created\)/);
    const during = await c.kubectl(`get pods -l app=nginx ${POD_COLUMNS}`);
    expect(rows(during.stdout).filter((r) => r[2] === 'Running')).toHaveLength(3);
    expect(rows(during.stdout).filter((r) => r[2] === 'Pending')).toHaveLength(1);

    history = await c.kubectl('rollout history deployment rollout-nginx');
    expect(history.stdout).toContain('2         kubectl set image deployment rollout-nginx nginx=nginx:1.16.0 --record=true');
    expect(history.stdout).toContain('3         kubectl set image deployment rollout-nginx nginx=nginx:1.17.23 --record=true');

    expect((await c.kubectl('rollout undo deployment rollout-nginx')).stdout).toBe('deployment.apps/rollout-nginx rolled back\n');
    expect((await c.kubectl('rollout status deployment rollout-nginx --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    history = await c.kubectl('rollout history deployment rollout-nginx');
    const revs = rows(history.stdout.split('\n').slice(2).join('\n')).map((r) => r[0]);
    expect(revs).toEqual(['1', '3', '4']);
    expect(history.stdout).toContain('4         kubectl set image deployment rollout-nginx nginx=nginx:1.16.0 --record=true');
    await until(c, `get pods -l app=nginx ${POD_COLUMNS}`, (o) => rows(o).length === 3 && rows(o).every((r) => r[2] === 'Running'), 'stuck pod removed');

    expect((await c.kubectl('rollout undo deployment rollout-nginx --to-revision=1')).stdout).toBe('deployment.apps/rollout-nginx rolled back\n');
    expect((await c.kubectl('rollout status deployment rollout-nginx --timeout=60s', { timeoutMs: 70000 })).stdout).toContain('successfully rolled out');
    const images = await until(c, 'get pods -l app=nginx -o jsonpath={.items[*].spec.containers[0].image}', (o) => o.split(' ').length === 3 && o.split(' ').every((i) => i === 'nginx:1.15.12'), 'back on 1.15.12');
    expect(images).toBeTruthy();
    history = await c.kubectl('rollout history deployment rollout-nginx');
    expect(rows(history.stdout.split('\n').slice(2).join('\n')).map((r) => r[0])).toEqual(['3', '4', '5']);
  }, 240000);
});
