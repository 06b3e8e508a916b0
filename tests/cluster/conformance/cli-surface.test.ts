// Conformance: the real kubectl 1.35 through the commands of curriculum §2 that other suites do not
// already cover (output formats, selectors, edit/diff/replace, delete variants, config, watch) and
// the Kubernetes-style errors for bad input. One fresh cluster for the whole file.
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { hasKubectl, startTestCluster, waitFor, type TestCluster } from '../support/cluster';

const describeIf = hasKubectl() ? describe : describe.skip;
jest.setTimeout(120_000);

describeIf('kubectl CLI surface against the mini-cluster', () => {
  let c: TestCluster;
  const json = async (args: string) => {
    const r = await c.kubectl(`${args} -o json`);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    c = await startTestCluster();
    await waitFor(async () => (await c.kubectl('get nodes')).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 4, { what: '4 Ready nodes' });
  });
  afterAll(async () => {
    await c?.stop();
  });

  test('version, cluster-info, config view/current-context, api-versions', async () => {
    const v = await c.kubectl('version -o json');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).serverVersion.major).toBe('1');
    const ci = await c.kubectl('cluster-info');
    expect(ci.code).toBe(0);
    expect(ci.stdout).toMatch(/Kubernetes control plane is running at https:\/\/127\.0\.0\.1:\d+/);
    const ctx = await c.kubectl('config current-context');
    expect(ctx.code).toBe(0);
    expect(ctx.stdout.trim().length).toBeGreaterThan(0);
    const view = await c.kubectl('config view');
    expect(view.stdout).toMatch(/DATA\+OMITTED|REDACTED/);
    const av = await c.kubectl('api-versions');
    expect(av.stdout.split('\n')).toEqual(expect.arrayContaining(['apps/v1', 'batch/v1', 'v1']));
  });

  test('create deployment + get in every output format', async () => {
    expect((await c.kubectl('create deployment fmt --image=nginx --replicas=2')).code).toBe(0);
    await waitFor(async () => (await json('get deploy fmt')).status?.availableReplicas === 2, { what: 'fmt available' });

    const table = await c.kubectl('get deploy fmt');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    const wide = await c.kubectl('get pods -l app=fmt -o wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const names = await c.kubectl('get pods -l app=fmt -o name');
    expect(names.stdout.trim().split('\n')).toHaveLength(2);
    expect(names.stdout).toMatch(/^pod\/fmt-/);
    const yaml = await c.kubectl('get deploy fmt -o yaml');
    expect(yaml.stdout).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    const jp = await c.kubectl(['get', 'deploy', 'fmt', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']);
    expect(jp.stdout).toBe('2 nginx');
    const cc = await c.kubectl(['get', 'pods', '-l', 'app=fmt', '-o', 'custom-columns=NAME:.metadata.name,NODE:.spec.nodeName']);
    const lines = cc.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+NODE$/);
    expect(lines[1]).toMatch(/^fmt-\S+\s+w\d-k8s$/);
    const all = await c.kubectl('get pods -A');
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(all.stdout).toMatch(/^kube-system\s+/m);
  });

  test('set-based label selectors and field selectors', async () => {
    await c.kubectl('run sel-a --image=nginx --labels=tier=front,env=prod');
    await c.kubectl('run sel-b --image=nginx --labels=tier=back,env=dev');
    await c.kubectl('run sel-c --image=nginx --labels=tier=cache');
    const names = async (args: string[]) => (await c.kubectl([...args, '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ').filter(Boolean).sort();
    expect(await names(['get', 'pods', '-l', 'tier in (front,back)'])).toEqual(['sel-a', 'sel-b']);
    expect(await names(['get', 'pods', '-l', 'tier,!env'])).toEqual(['sel-c']);
    expect(await names(['get', 'pods', '-l', 'env notin (prod),tier'])).toEqual(['sel-b', 'sel-c']);
    expect(await names(['get', 'pods', '-l', 'tier!=front,tier'])).toEqual(['sel-b', 'sel-c']);
    await waitFor(async () => (await json('get pod sel-a')).status?.phase === 'Running', { what: 'sel-a running' });
    const byName = await names(['get', 'pods', '--field-selector', 'metadata.name=sel-a']);
    expect(byName).toEqual(['sel-a']);
    const node = (await json('get pod sel-a')).spec.nodeName as string;
    const onNode = await names(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node},status.phase=Running`]);
    expect(onNode).toContain('sel-a');
    const bad = await c.kubectl(['get', 'pods', '--field-selector', 'spec.bogus=x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/field label not supported|not a known field selector|BadRequest/i);
  });

  test('label and annotate, including overwrite and removal', async () => {
    expect((await c.kubectl('label pod sel-a color=red')).stdout).toMatch(/pod\/sel-a labeled/);
    const again = await c.kubectl('label pod sel-a color=blue');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already has a value \(red\)/);
    expect((await c.kubectl('label pod sel-a color=blue --overwrite')).code).toBe(0);
    expect((await c.kubectl('label pod sel-a color-')).code).toBe(0);
    expect((await c.kubectl('annotate pod sel-a note=hi')).stdout).toMatch(/pod\/sel-a annotated/);
    const pod = await json('get pod sel-a');
    expect(pod.metadata.labels.color).toBeUndefined();
    expect(pod.metadata.annotations.note).toBe('hi');
  });

  test('edit through KUBE_EDITOR, diff, replace', async () => {
    await c.kubectl('create configmap cfg --from-literal=k=v1');
    const editor = path.join(c.dir, 'editor.sh');
    writeFileSync(editor, "#!/bin/sh\nsed -i 's/k: v1/k: v2/' \"$1\"\n");
    chmodSync(editor, 0o755);
    const ed = await c.kubectl('edit configmap cfg', { env: { KUBE_EDITOR: editor } });
    expect(ed.code).toBe(0);
    expect(ed.stdout).toMatch(/configmap\/cfg edited/);
    expect((await json('get cm cfg')).data.k).toBe('v2');

    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: v3\n';
    const diff = await c.kubectl('diff -f -', { stdin: manifest });
    expect(diff.code).toBe(1); // 1 = differences found
    expect(diff.stdout).toMatch(/-\s+k: v2/);
    expect(diff.stdout).toMatch(/\+\s+k: v3/);
    const rep = await c.kubectl('replace -f -', { stdin: manifest });
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(/configmap\/cfg replaced/);
    const same = await c.kubectl('diff -f -', { stdin: manifest });
    expect(same.code).toBe(0);
  });

  test('multi-document apply, create namespace/secret/service/job/cronjob', async () => {
    const docs = [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: multi',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: multi\ndata:\n  a: "1"',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n  namespace: multi\ndata:\n  b: "2"',
    ].join('\n---\n');
    const ap = await c.kubectl('apply -f -', { stdin: docs });
    expect(ap.code).toBe(0);
    expect(ap.stdout).toMatch(/namespace\/multi created\nconfigmap\/one created\nconfigmap\/two created/);
    expect((await c.kubectl('apply -f -', { stdin: docs })).stdout).toMatch(/configmap\/two unchanged/);

    expect((await c.kubectl('create namespace team')).stdout).toMatch(/namespace\/team created/);
    expect((await c.kubectl('create secret generic pw --from-literal=password=s3cret -n team')).code).toBe(0);
    expect(Buffer.from((await json('get secret pw -n team')).data.password, 'base64').toString()).toBe('s3cret');
    expect((await c.kubectl('create service clusterip svc1 --tcp=80:8080 -n team')).code).toBe(0);
    expect((await json('get svc svc1 -n team')).spec.clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect((await c.kubectl('create job once --image=busybox -n team -- echo hi')).code).toBe(0);
    await waitFor(async () => (await json('get job once -n team')).status?.succeeded === 1, { what: 'job succeeded' });
    const cj = await c.kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'team', '--', 'date']);
    expect(cj.code).toBe(0);
    const cjt = await c.kubectl('get cronjob -n team');
    expect(cjt.stdout.split('\n')[0]).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/);
  });

  test('patch json/merge/strategic and wait --for=condition=Available', async () => {
    await c.kubectl('create deployment pt --image=nginx');
    expect((await c.kubectl(['patch', 'deploy', 'pt', '--type=merge', '-p', '{"spec":{"replicas":2}}'])).code).toBe(0);
    expect((await c.kubectl(['patch', 'deploy', 'pt', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.25"}]'])).code).toBe(0);
    expect((await c.kubectl(['patch', 'deploy', 'pt', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"b"}]}]}}}}'])).code).toBe(0);
    const d = await json('get deploy pt');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ image: 'nginx:1.25', env: [{ name: 'A', value: 'b' }] });
    const w = await c.kubectl('wait --for=condition=Available deploy/pt --timeout=60s');
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/deployment.apps\/pt condition met/);
  });

  test('get -w streams changes until the request timeout', async () => {
    await c.kubectl('create configmap watched --from-literal=x=1');
    const watching = c.kubectl('get configmap watched -w --request-timeout=3s');
    await new Promise((r) => setTimeout(r, 800)); // give kubectl time to open the watch
    await c.kubectl('label configmap watched seen=yes');
    const r = await watching;
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('watched')).length).toBeGreaterThanOrEqual(2);
  });

  test('delete: by name, -l, --all, --grace-period=0 --force', async () => {
    const del = await c.kubectl('delete pod sel-c');
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(/pod "sel-c" deleted/);
    const byLabel = await c.kubectl(['delete', 'pods', '-l', 'tier in (front,back)']);
    expect(byLabel.stdout).toMatch(/pod "sel-a" deleted/);
    expect(byLabel.stdout).toMatch(/pod "sel-b" deleted/);
    await c.kubectl('run forced --image=nginx');
    const forced = await c.kubectl('delete pod forced --grace-period=0 --force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/Immediate deletion does not wait for confirmation/);
    expect((await c.kubectl('get pod forced')).code).not.toBe(0);
    const all = await c.kubectl('delete configmap --all -n multi');
    expect(all.stdout).toMatch(/configmap "one" deleted/);
    const missing = await c.kubectl('delete pod nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Error from server \(NotFound\): pods "nope" not found/);
  });

  test('honest errors for exec, port-forward and top', async () => {
    await c.kubectl('run ex --image=nginx');
    await waitFor(async () => (await json('get pod ex')).status?.phase === 'Running', { what: 'ex running' });
    const top = await c.kubectl('top nodes');
    expect(top.code).not.toBe(0);
    expect(top.stderr).toMatch(/Metrics API not available|metrics/i);
    // kubectl listens first; the simulated runtime refuses once a connection is forwarded.
    const server = net.createServer();
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));
    await new Promise((r) => server.close(r));
    const forwarding = c.kubectl(`port-forward pod/ex ${port}:80`, { timeoutMs: 30_000 });
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\n\r\n'));
          s.on('close', () => resolve(true));
          s.on('error', () => resolve(false));
        }),
      { what: 'port-forward listening' },
    );
    const pf = await forwarding;
    expect(pf.code).toBe(1);
    expect(pf.stdout).toMatch(new RegExp(`Forwarding from 127\\.0\\.0\\.1:${port} -> 80`));
    expect(pf.stderr).toMatch(/simulated runtime/);
    const ex = await c.kubectl('exec ex -- ls /');
    expect(ex.code).not.toBe(0);
    expect(ex.stderr).toMatch(/simulated/);
  });

  test('Kubernetes-style errors for bad input', async () => {
    const invalid = await c.kubectl('apply -f -', { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Web_1\n' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/ConfigMap "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain/);

    const unknown = await c.kubectl('apply -f -', { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: uf\nbogus: 1\n' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown field "bogus"/);

    const malformed = await c.kubectl('apply -f -', { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n' });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/error (converting YAML to JSON|parsing)/);

    const ns = await c.kubectl('create configmap orphan -n does-not-exist');
    expect(ns.code).toBe(1);
    // kubectl create configmap wraps the server's NotFound in its own message.
    expect(ns.stderr).toMatch(/failed to create configmap: namespaces "does-not-exist" not found/);
    const nsGet = await c.kubectl('get configmap x -n does-not-exist');
    // kubectl 1.35 looks the namespace up after a 404 and reports it.
    expect(nsGet.stderr).toMatch(/Error from server \(NotFound\): namespaces "does-not-exist" not found/);

    const dup = await c.kubectl('create namespace team');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/Error from server \(AlreadyExists\): namespaces "team" already exists/);

    const cm = await json('get configmap cfg');
    await c.kubectl('label configmap cfg bump=1');
    const stale = { ...cm, data: { k: 'stale' } };
    const conflict = await c.kubectl('replace -f -', { stdin: JSON.stringify(stale) });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/Error from server \(Conflict\).*the object has been modified; please apply your changes to the latest version and try again/);
  });
});
