// The real kubectl 1.35 against the mini-cluster: the everyday commands of the course must work
// and print what they print against a kubeadm cluster.
import { hasKubectl, startTestCluster, waitFor, type TestCluster } from '../support/cluster';

const describeKubectl = hasKubectl() ? describe : describe.skip;
jest.setTimeout(120_000);

const deployment = (replicas: number, image = 'sysnet4admin/echo-hname') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo-hname
  labels:
    app: nginx
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: echo-hname
        image: ${image}
`;

describeKubectl('kubectl against the mini-cluster', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('reports the server version and discovers resources', async () => {
    const v = await c.kubectl('version');
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('Server Version: v1.35.0');
    const r = await c.kubectl('api-resources');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    const av = await c.kubectl('api-versions');
    expect(av.stdout.split('\n')).toEqual(expect.arrayContaining(['apps/v1', 'batch/v1', 'v1']));
  });

  it('answers kubectl auth for the single admin user', async () => {
    expect((await c.kubectl('auth can-i delete nodes')).stdout.trim()).toBe('yes');
    expect((await c.kubectl('auth whoami')).stdout).toMatch(/Username\s+kubernetes-admin/);
  });

  it('reports healthy control-plane components (get cs)', async () => {
    const r = await c.kubectl('get componentstatuses');
    expect(r.stdout).toMatch(/^etcd-0\s+Healthy\s+\{"health":"true","reason":""\}/m);
    expect(r.stderr).toContain('Warning: v1 ComponentStatus is deprecated in v1.19+');
  });

  it('refuses unsupported field selectors', async () => {
    const r = await c.kubectl('get pods --field-selector spec.foo=bar');
    expect(r.stderr).toContain('field label not supported: spec.foo');
  });

  it('lists the system namespaces', async () => {
    const r = await c.kubectl('get ns -o name');
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']));
  });

  it('creates from a file, refuses duplicates, and applies changes', async () => {
    const created = await c.kubectl('create -f -', { stdin: deployment(3) });
    expect(created.stdout.trim()).toBe('deployment.apps/echo-hname created');
    const again = await c.kubectl('create --validate=false -f -', { stdin: deployment(3) });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "echo-hname" already exists');
    const applied = await c.kubectl('apply -f -', { stdin: deployment(6) });
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain('missing the kubectl.kubernetes.io/last-applied-configuration annotation');
    expect(applied.stdout.trim()).toBe('deployment.apps/echo-hname configured');
    const unchanged = await c.kubectl('apply --validate=false -f -', { stdin: deployment(6) });
    expect(unchanged.stdout.trim()).toBe('deployment.apps/echo-hname unchanged');
    const json = JSON.parse((await c.kubectl('get deploy echo-hname -o json')).stdout);
    expect(json.spec.replicas).toBe(6);
    expect(json.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":6');
    expect(json.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(json.spec.revisionHistoryLimit).toBe(10);
    expect(json.spec.progressDeadlineSeconds).toBe(600);
    expect(json.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
  });

  it('rejects unknown fields (kubectl validates strictly on the server)', async () => {
    const r = await c.kubectl('create -f -', { stdin: deployment(1).replace('replicas:', 'replicaz:').replace('name: echo-hname\n', 'name: typo\n') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"');
    const warned = await c.kubectl('create --validate=warn -f -', { stdin: deployment(1).replace('replicas:', 'replicaz:').replace('name: echo-hname\n', 'name: typo\n') });
    expect(warned.stdout.trim()).toBe('deployment.apps/typo created');
    expect(warned.stderr).toContain('unknown field "spec.replicaz"');
    // The unknown field is not stored, as in Kubernetes.
    expect(JSON.parse((await c.kubectl('get deploy typo -o json')).stdout).spec.replicaz).toBeUndefined();
    await c.kubectl('delete deploy typo');
    const typed = await c.kubectl('create -f -', { stdin: deployment(1).replace('replicas: 1', 'replicas: "three"').replace('name: echo-hname\n', 'name: typo\n') });
    expect(typed.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec.replicas of type int32');
  });

  it('runs a pod and shows it with Kubernetes defaults in -o yaml', async () => {
    expect((await c.kubectl('run nginx-pod --image=nginx:1.25')).stdout.trim()).toBe('pod/nginx-pod created');
    const yaml = (await c.kubectl('get pod nginx-pod -o yaml')).stdout;
    for (const line of ['imagePullPolicy: IfNotPresent', 'dnsPolicy: ClusterFirst', 'restartPolicy: Always', 'schedulerName: default-scheduler', 'terminationGracePeriodSeconds: 30', 'run: nginx-pod', 'serviceAccountName: default']) {
      expect(yaml).toContain(line);
    }
  });

  it('scales deployments and refuses to scale a pod', async () => {
    const scaled = await c.kubectl('scale deployment echo-hname --replicas=2');
    expect(scaled.stdout.trim()).toBe('deployment.apps/echo-hname scaled');
    expect(JSON.parse((await c.kubectl('get deploy echo-hname -o json')).stdout).spec.replicas).toBe(2);
    const pod = await c.kubectl('scale pod nginx-pod --replicas=3');
    expect(pod.code).not.toBe(0);
    expect(pod.stderr).toContain('Error from server (NotFound): the server could not find the requested resource');
  });

  it('labels, annotates, sets images and patches with every patch type', async () => {
    expect((await c.kubectl('label deploy echo-hname tier=fe')).stdout.trim()).toBe('deployment.apps/echo-hname labeled');
    expect((await c.kubectl('annotate deploy echo-hname note=hello')).stdout.trim()).toBe('deployment.apps/echo-hname annotated');
    expect((await c.kubectl('set image deployment/echo-hname echo-hname=nginx:1.16.0')).stdout.trim()).toBe('deployment.apps/echo-hname image updated');
    expect((await c.kubectl(['patch', 'deploy', 'echo-hname', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]'])).code).toBe(0);
    expect((await c.kubectl(['patch', 'deploy', 'echo-hname', '--type=merge', '-p', '{"metadata":{"labels":{"merge":"yes"}}}'])).code).toBe(0);
    expect((await c.kubectl(['patch', 'deploy', 'echo-hname', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}'])).code).toBe(0);
    const d = JSON.parse((await c.kubectl('get deploy echo-hname -o json')).stdout);
    expect(d.metadata.labels).toMatchObject({ app: 'nginx', tier: 'fe', merge: 'yes' });
    expect(d.metadata.annotations.note).toBe('hello');
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.template.spec.containers.map((x: { name: string; image: string }) => `${x.name}=${x.image}`)).toEqual(['echo-hname=nginx:1.16.0', 'sidecar=busybox']);
    const bad = await c.kubectl(['patch', 'deploy', 'echo-hname', '--type=json', '-p', '[{"op":"remove","path":"/spec/nope"}]']);
    expect(bad.code).not.toBe(0);
  });

  it('cordons and uncordons a node', async () => {
    await waitFor(async () => (await c.kubectl('get node w3-k8s -o name')).code === 0, { what: 'node w3-k8s' });
    expect((await c.kubectl('cordon w3-k8s')).stdout.trim()).toBe('node/w3-k8s cordoned');
    expect((await c.kubectl('get nodes w3-k8s')).stdout).toContain('SchedulingDisabled');
    expect((await c.kubectl('uncordon w3-k8s')).stdout.trim()).toBe('node/w3-k8s uncordoned');
  });

  it('replaces a whole object (the PUT that kubectl edit uses)', async () => {
    const current = (await c.kubectl('get deploy echo-hname -o yaml')).stdout.replace('note: hello', 'note: replaced');
    const r = await c.kubectl('replace --validate=false -f -', { stdin: current });
    expect(r.stdout.trim()).toBe('deployment.apps/echo-hname replaced');
    const stale = current.replace(/resourceVersion: "\d+"/, 'resourceVersion: "1"');
    const conflict = await c.kubectl('replace --validate=false -f -', { stdin: stale });
    expect(conflict.stderr).toContain('Operation cannot be fulfilled on deployments.apps "echo-hname": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('rejects bad names and unknown namespaces with Kubernetes messages', async () => {
    const bad = await c.kubectl('create deployment Web --image=nginx --dry-run=client -o yaml');
    const r = await c.kubectl('create --validate=false -f -', { stdin: bad.stdout });
    expect(r.stderr).toContain('The Deployment "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters');
    const ns = await c.kubectl('run x --image=nginx -n nowhere');
    expect(ns.stderr).toContain('Error from server (NotFound): namespaces "nowhere" not found');
    const missing = await c.kubectl('get pod ghost');
    expect(missing.stderr).toContain('Error from server (NotFound): pods "ghost" not found');
  });

  it('watches pods with get -w until the timeout', async () => {
    const watching = c.kubectl('get pods -w --request-timeout=4s', { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await c.kubectl('run watched --image=nginx');
    const r = await watching;
    expect(r.stdout).toMatch(/^NAME\s+READY\s+STATUS/m);
    expect(r.stdout).toMatch(/^watched\s+/m);
  });

  it('deletes objects and waits for them to go', async () => {
    const r = await c.kubectl('delete pod watched');
    expect(r.stdout.trim()).toBe('pod "watched" deleted from default namespace');
    expect((await c.kubectl('get pod watched')).code).toBe(1);
    expect((await c.kubectl('delete deployment echo-hname')).code).toBe(0);
    expect((await c.kubectl('create namespace scratch')).stdout.trim()).toBe('namespace/scratch created');
    // Like kube-controller-manager, every namespace gets a default ServiceAccount and the root CA ConfigMap.
    await waitFor(async () => (await c.kubectl('get sa default -n scratch -o name')).stdout.trim() === 'serviceaccount/default', { what: 'default service account' });
    await waitFor(async () => (await c.kubectl('get cm kube-root-ca.crt -n scratch -o name')).code === 0, { what: 'kube-root-ca.crt' });
    await c.kubectl('create configmap cfg -n scratch --from-literal=a=b');
    expect((await c.kubectl('delete namespace scratch')).code).toBe(0);
    expect((await c.kubectl('get cm -n scratch -o name')).stdout.trim()).toBe('');
  });
});

describeKubectl('kubectl update rules', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('lets set image change a pod but not other pod spec fields', async () => {
    await c.kubectl('run frozen --image=nginx:1.25');
    expect((await c.kubectl('set image pod/frozen frozen=nginx:1.26')).code).toBe(0);
    const r = await c.kubectl(['patch', 'pod', 'frozen', '-p', '{"spec":{"restartPolicy":"Never"}}']);
    expect(r.stderr).toContain('The Pod "frozen" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`');
  });

  it('keeps a deployment selector immutable', async () => {
    await c.kubectl('create deployment sel --image=nginx');
    const r = await c.kubectl(['patch', 'deploy', 'sel', '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}']);
    expect(r.stderr).toContain('spec.selector: Invalid value');
    expect(r.stderr).toContain('field is immutable');
  });

  it('reports server-side apply conflicts and resolves them with --force-conflicts', async () => {
    const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ssa}}
  template:
    metadata: {labels: {app: ssa}}
    spec:
      containers: [{name: web, image: nginx}]
`;
    expect((await c.kubectl('apply --server-side -f -', { stdin: manifest(2) })).stdout.trim()).toBe('deployment.apps/ssa serverside-applied');
    expect((await c.kubectl('scale deploy ssa --replicas=5')).code).toBe(0);
    const conflict = await c.kubectl('apply --server-side -f -', { stdin: manifest(2) });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/Apply failed with 1 conflict: conflict with "kubectl(-scale)?"( with subresource "scale")? using apps\/v1: \.spec\.replicas/);
    expect((await c.kubectl('apply --server-side --force-conflicts -f -', { stdin: manifest(2) })).code).toBe(0);
    const d = JSON.parse((await c.kubectl('get deploy ssa -o json --show-managed-fields')).stdout);
    expect(d.spec.replicas).toBe(2);
    const owners = d.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    expect(owners).toContain('kubectl/Apply');
    // Applying the same manifest again is not a conflict.
    expect((await c.kubectl('apply --server-side -f -', { stdin: manifest(2) })).code).toBe(0);
  });

  it('removes fields dropped from an applied manifest', async () => {
    const manifest = (env: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
  labels: {a: "1"${env}}
data: {k: v}
`;
    expect((await c.kubectl('apply --validate=false -f -', { stdin: manifest(', b: "2"') })).stdout.trim()).toBe('configmap/applied created');
    expect((await c.kubectl('apply --validate=false -f -', { stdin: manifest('') })).stdout.trim()).toBe('configmap/applied configured');
    expect(JSON.parse((await c.kubectl('get cm applied -o json')).stdout).metadata.labels).toEqual({ a: '1' });
  });
});
