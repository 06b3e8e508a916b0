// The real kubectl against our OpenAPI v3: `kubectl explain` reads descriptions from it, and
// `kubectl create --validate=strict` delegates validation to the server only if it finds the
// `fieldValidation` parameter on the kind's PATCH operation.
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openapiV3Document, openapiV3Hash, openapiV3Paths } from '../../../sandbox/cluster/apiserver/openapi';

const KUBECTL = join(__dirname, '../../../.kubelab/bin/kubectl');
const maybe = existsSync(KUBECTL) ? describe : describe.skip;

const RESOURCES: Record<string, Array<[string, string, boolean, string[]]>> = {
  v1: [['pods', 'Pod', true, ['po']], ['services', 'Service', true, ['svc']], ['namespaces', 'Namespace', false, ['ns']], ['configmaps', 'ConfigMap', true, ['cm']]],
  'apps/v1': [['deployments', 'Deployment', true, ['deploy']]],
  'batch/v1': [['jobs', 'Job', true, []]],
  'autoscaling/v2': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa']]],
};

maybe('kubectl with our OpenAPI v3', () => {
  let server: Server;
  let port = 0;
  const posts: string[] = [];
  const home = mkdtempSync(join(tmpdir(), 'kubectl-openapi-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST') {
        posts.push(`${url.pathname}${url.search}`);
        req.resume();
        req.on('end', () => json(201, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201, metadata: {} }));
        return;
      }
      if (url.pathname === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (url.pathname === '/apis') {
        return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: ['apps/v1', 'batch/v1', 'autoscaling/v2'].map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: gv.split('/')[1] }], preferredVersion: { groupVersion: gv, version: gv.split('/')[1] } })) });
      }
      const gv = url.pathname === '/api/v1' ? 'v1' : url.pathname.replace(/^\/apis\//, '');
      if (RESOURCES[gv]) {
        return json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: RESOURCES[gv].map(([name, kind, namespaced, shortNames]) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, shortNames, verbs: ['create', 'get', 'list', 'patch', 'update', 'delete'] })) });
      }
      if (url.pathname === '/openapi/v3') return json(200, { paths: openapiV3Paths() });
      if (url.pathname.startsWith('/openapi/v3/')) {
        const doc = openapiV3Document(url.pathname.slice('/openapi/v3/'.length));
        if (doc) {
          res.setHeader('etag', `"${openapiV3Hash(url.pathname.slice('/openapi/v3/'.length))}"`);
          return json(200, doc);
        }
      }
      json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: `${url.pathname} not found` });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(KUBECTL, [`--server=http://127.0.0.1:${port}`, ...args], { env: { NODE_ENV: 'test', HOME: home, PATH: process.env.PATH ?? '' }, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr })),
    );

  test('kubectl explain prints field documentation', async () => {
    const r = await kubectl('explain', 'deployment.spec.replicas');
    expect(r.out).toContain('GROUP:      apps');
    expect(r.out).toContain('FIELD: replicas <integer>');
    expect(r.out).toMatch(/Number of desired pods/);
  }, 60_000);

  test('kubectl explain lists nested fields with types', async () => {
    const r = await kubectl('explain', 'pod.spec.containers');
    expect(r.code).toBe(0);
    expect(r.out).toContain('FIELD: containers <[]Container>');
    expect(r.out).toMatch(/^\s+image\s+<string>$/m);
    expect(r.out).toMatch(/^\s+name\s+<string> -required-$/m);
  }, 60_000);

  test('kubectl explain knows fields and group-versions newer than the base spec', async () => {
    const sidecar = await kubectl('explain', 'pod.spec.initContainers.restartPolicy');
    expect(sidecar.code).toBe(0);
    expect(sidecar.out).toMatch(/RestartPolicy defines the restart behavior/);
    const hpa = await kubectl('explain', 'hpa.spec.metrics');
    expect(hpa.code).toBe(0);
    expect(hpa.out).toContain('VERSION:    v2');
    expect(hpa.out).toMatch(/^\s+resource\s+<ResourceMetricSource>$/m);
  }, 60_000);

  test('kubectl create --validate=strict uses server-side validation', async () => {
    const file = join(home, 'deploy.yaml');
    writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n');
    const r = await kubectl('create', '-f', file, '--validate=strict', '-n', 'default');
    expect(r.out).not.toMatch(/unknown field/);
    expect(posts.at(-1)).toBe('/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict');
  }, 60_000);
});
