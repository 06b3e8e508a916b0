// Wire-level behaviour of the API server (status codes, content types, watch framing).
import https from 'node:https';
import { startTestCluster, type TestCluster } from '../support/cluster';

jest.setTimeout(60_000);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('mini-cluster API server over HTTPS', () => {
  let c: TestCluster;
  const request = (method: string, path: string, opts: { body?: string; headers?: Record<string, string>; token?: string | null; abortAfterMs?: number } = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const url = new URL(path, c.url);
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? c.token}`;
      const req = https.request(url, { method, headers, ca: c.caCert }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('aborted', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        if (opts.abortAfterMs) setTimeout(() => req.destroy(), opts.abortAfterMs);
      });
      req.on('error', (err) => (opts.abortAfterMs ? undefined : reject(err)));
      req.on('close', () => undefined);
      req.end(opts.body);
    });
  const json = (r: Reply) => JSON.parse(r.body);

  beforeAll(async () => {
    c = await startTestCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('requires the bearer token except for health and version', async () => {
    const denied = await request('GET', '/api/v1/pods', { token: null });
    expect(denied.status).toBe(401);
    expect(json(denied)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await request('GET', '/api/v1/pods', { token: 'wrong' })).status).toBe(401);
    expect((await request('GET', '/healthz', { token: null })).body).toBe('ok');
    expect(json(await request('GET', '/version', { token: null })).gitVersion).toBe('v1.35.0');
  });

  it('serves aggregated discovery only when asked', async () => {
    const agg = await request('GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    expect(agg.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = json(agg).items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
    expect(deployments).toMatchObject({ scope: 'Namespaced', shortNames: ['deploy'], responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' } });
    expect(deployments.subresources.map((s: { subresource: string }) => s.subresource)).toEqual(expect.arrayContaining(['scale', 'status']));
    expect(json(await request('GET', '/apis')).kind).toBe('APIGroupList');
    const core = json(await request('GET', '/api/v1'));
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/exec', 'pods/eviction', 'pods/binding', 'pods/portforward', 'nodes/status']));
  });

  it('rejects malformed bodies, unknown media types and methods with Status errors', async () => {
    const bad = await request('POST', '/api/v1/namespaces/default/configmaps', { body: '{"kind":', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(json(bad)).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    const media = await request('POST', '/api/v1/namespaces/default/configmaps', { body: 'x', headers: { 'Content-Type': 'text/csv' } });
    expect(media.status).toBe(415);
    const method = await request('PUT', '/api/v1/namespaces/default/configmaps');
    expect(method.status).toBe(405);
    const invalid = await request('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }), headers: { 'Content-Type': 'application/json' } });
    expect(invalid.status).toBe(422);
    expect(json(invalid).details.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
    expect((await request('GET', '/api/v1/namespaces/default/widgets')).status).toBe(404);
  });

  it('answers garbage with 4xx Status errors and keeps serving', async () => {
    const bodies = ['[]', '"str"', 'null', '{"metadata":"x"}', '{"metadata":{"name":7}}', '{"spec":"x","metadata":{"name":"g"}}', '{"metadata":{"name":"g","labels":{"a":1}}}', '{"metadata":{"name":"g"},"spec":{"containers":[1,null,"x"]}}', '{"metadata":{"name":"g"},"spec":{"replicas":-1,"selector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]}}}'];
    const targets = ['/api/v1/namespaces/default/pods', '/apis/apps/v1/namespaces/default/deployments', '/api/v1/namespaces/default/services', '/apis/batch/v1/namespaces/default/cronjobs'];
    for (const path of targets) {
      for (const body of bodies) {
        const r = await request('POST', path, { body, headers: { 'Content-Type': 'application/json' } });
        expect({ path, body, status: r.status }).toEqual({ path, body, status: expect.any(Number) });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(json(r).kind).toBe('Status');
      }
    }
    for (const [type, body] of [['application/json-patch+json', '{"op":1}'], ['application/merge-patch+json', 'nope'], ['application/strategic-merge-patch+json', '[1]'], ['application/apply-patch+yaml', ': : :'], ['application/strategic-merge-patch+json', '{"$bogus":1}']]) {
      const r = await request('PATCH', '/api/v1/namespaces/default', { body, headers: { 'Content-Type': type } });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    // Every creatable resource, with specs of the wrong shape at various depths.
    const { RESOURCES } = await import('@/sandbox/cluster/api/registry');
    const junk: unknown[] = [1, 'x', [1], [{}], { template: 'x' }, { template: { spec: { containers: [{ name: 'c', image: 'i', ports: 'x', env: [1] }], volumes: [null] } } }, { ports: [{ port: 'x' }, null], selector: 'x' }, { jobTemplate: { spec: 'x' }, schedule: 1 }, { volumeClaimTemplates: [1, { spec: 'x' }], selector: { matchLabels: 'x' } }];
    for (const info of RESOURCES.filter((r) => r.verbs.includes('create'))) {
      const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
      const path = info.namespaced ? `${base}/namespaces/default/${info.resource}` : `${base}/${info.resource}`;
      for (const spec of junk) {
        const r = await request('POST', path, { body: JSON.stringify({ metadata: { name: 'junk' }, spec, data: spec, subsets: spec, target: spec }), headers: { 'Content-Type': 'application/json' } });
        if (r.status >= 500) throw new Error(`${path} with spec ${JSON.stringify(spec)}: ${r.status} ${r.body}`);
        if (r.status < 300 && process.env.SHOW_ACCEPTED) process.stdout.write(`accepted ${path} ${JSON.stringify(spec)}\n`);
        if (r.status < 300) await request('DELETE', `${path}/junk?gracePeriodSeconds=0`);
      }
    }
    expect((await request('GET', '/api/v1/namespaces/default/pods?labelSelector=a%20in%20(', {})).status).toBe(400);
    expect((await request('GET', '/api/v1/namespaces/default/pods?limit=abc', {})).status).toBe(400);
    expect((await request('GET', '/api/v1/namespaces/default/pods/%E0%A4%A', {})).status).toBe(400);
    expect((await request('GET', '/api/v1/namespaces/default/pods?continue=%%%', {})).status).toBe(400);
    expect((await request('GET', '/healthz', { token: null })).body).toBe('ok');
  });

  it('rejects a DeleteOptions body that does not fit with a 400 naming the field', async () => {
    // Node sends DELETE bodies without a length unless told (kubectl always sends one).
    const withBody = (body: object) => ({ body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(JSON.stringify(body))) } });
    const bad = await request('DELETE', '/api/v1/namespaces/default/configmaps/anything', withBody({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Sideways' }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toBe('the object provided is unrecognized (must be of type DeleteOptions): propagationPolicy: Invalid option: expected one of "Background"|"Foreground"|"Orphan"');
    const grace = await request('DELETE', '/api/v1/namespaces/default/configmaps/anything', withBody({ gracePeriodSeconds: 'soon' }));
    expect(JSON.parse(grace.body).message).toBe('the object provided is unrecognized (must be of type DeleteOptions): gracePeriodSeconds: Invalid input: expected number, received string');
  });

  it('refuses a resourceVersion on create like the storage layer (500 without a reason)', async () => {
    const r = await request('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ metadata: { name: 'with-rv', resourceVersion: '12' } }), headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(500);
    expect(json(r)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
  });

  it('paginates lists with limit and continue', async () => {
    for (const n of ['p1', 'p2', 'p3']) {
      await request('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ metadata: { name: n, labels: { page: 'yes' } } }), headers: { 'Content-Type': 'application/json' } });
    }
    const first = json(await request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=2'));
    expect(first.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['p1', 'p2']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = json(await request('GET', `/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=2&continue=${first.metadata.continue}`));
    expect(second.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['p3']);
    expect(second.metadata.continue).toBeUndefined();
  });

  it('ends initial watch events with the initial-events-end bookmark', async () => {
    const r = await request('GET', '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=page%3Dyes&timeoutSeconds=1');
    expect(r.headers['transfer-encoding']).toBe('chunked');
    const events = r.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.slice(0, 3).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED p1', 'ADDED p2', 'ADDED p3']);
    expect(events[3]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
  });

  it('answers Table requests and includes row metadata', async () => {
    const r = json(await request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } }));
    expect(r.kind).toBe('Table');
    expect(r.columnDefinitions[0].name).toBe('Name');
    expect(r.rows.map((row: { cells: string[] }) => row.cells[0])).toEqual(['p1', 'p2', 'p3']);
    expect(r.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'p1' } });
    expect(r.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('honours dryRun and deletecollection with selectors', async () => {
    const dry = await request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: JSON.stringify({ metadata: { name: 'dry' } }), headers: { 'Content-Type': 'application/json' } });
    expect(dry.status).toBe(201);
    expect((await request('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
    const del = await request('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes');
    expect(json(del).items).toHaveLength(3);
    expect(json(await request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes')).items).toHaveLength(0);
  });

  it('evicts pods through pods/eviction', async () => {
    await request('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify({ metadata: { name: 'evict-me' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }), headers: { 'Content-Type': 'application/json' } });
    const r = await request('POST', '/api/v1/namespaces/default/pods/evict-me/eviction', { body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-me', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } }), headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(201);
    expect(json(r)).toMatchObject({ kind: 'Status', status: 'Success' });
  });
});
