// Feeds our Tables to the real kubectl (`kubectl get` asks the server for a Table) and checks what it prints.
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toTable } from '../../../sandbox/cluster/apiserver/tables';
import type { KubeObject } from '../../../sandbox/cluster/store/types';

const KUBECTL = join(__dirname, '../../../.kubelab/bin/kubectl');
const maybe = existsSync(KUBECTL) ? describe : describe.skip;

const created = new Date(Date.now() - 125_000).toISOString();
const pods: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', creationTimestamp: created, labels: { app: 'web' } }, spec: { nodeName: 'w1-k8s', containers: [{ name: 'app' }] }, status: { phase: 'Running', podIPs: [{ ip: '10.244.1.5' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-2', namespace: 'default', creationTimestamp: created }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending' } },
];

maybe('kubectl get renders our Tables', () => {
  let server: Server;
  let port = 0;
  const home = mkdtempSync(join(tmpdir(), 'kubectl-table-'));
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/api') return res.end(JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
      if (url.pathname === '/apis') return res.end(JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] }));
      if (url.pathname === '/api/v1') return res.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] }] }));
      if (url.pathname === '/api/v1/namespaces/default/pods' && String(req.headers.accept).includes('as=Table')) {
        const table = toTable({ group: '', resource: 'pods' }, pods, { wide: false, includeObject: (url.searchParams.get('includeObject') as 'Metadata') ?? 'Metadata', now: new Date() });
        return res.end(JSON.stringify({ ...table, metadata: { resourceVersion: '7' } }));
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(KUBECTL, [`--server=http://127.0.0.1:${port}`, '-n', 'default', ...args], { env: { NODE_ENV: 'test', HOME: home, PATH: process.env.PATH ?? '' }, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
    );

  test('default columns', async () => {
    const out = await kubectl('get', 'pods');
    expect(out.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(out).toMatch(/^web-1\s+1\/1\s+Running\s+0\s+2m\d+s$/m);
    expect(out).toMatch(/^web-2\s+0\/1\s+Pending\s+0\s+2m\d+s$/m);
  }, 60_000);
  test('-o wide shows the priority 1 columns', async () => {
    const out = await kubectl('get', 'pods', '-o', 'wide');
    expect(out.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(out).toMatch(/^web-1\s+1\/1\s+Running\s+0\s+2m\d+s\s+10\.244\.1\.5\s+w1-k8s\s+<none>\s+<none>$/m);
  }, 60_000);
  test('--show-labels reads labels from the PartialObjectMetadata rows', async () => {
    const out = await kubectl('get', 'pods', '--show-labels');
    expect(out).toMatch(/^web-1\s+1\/1\s+Running\s+0\s+2m\d+s\s+app=web$/m);
    expect(out).toMatch(/^web-2\s+.*\s+<none>$/m);
  }, 60_000);
});
