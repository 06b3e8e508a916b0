import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { decodeKubeProtobuf } from '../../../sandbox/cluster/apiserver/protobuf';
import { StatusError } from '../../../sandbox/cluster/api/errors';

const FIXTURES = join(__dirname, 'fixtures');
const cases = readdirSync(FIXTURES).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)).sort();
const withExpectedJson = cases.filter((name) => existsSync(join(FIXTURES, `${name}.expected.json`)));

/** kubectl's JSON writes a zero `creationTimestamp` as null; the decoder leaves unset times out. */
function dropNullTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullTimes);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNullTimes(v)]));
  }
  return value;
}

function envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(apiVersion).uint32((2 << 3) | 2).string(kind).ldelim();
  w.uint32((2 << 3) | 2).bytes(raw);
  if (contentEncoding) w.uint32((3 << 3) | 2).string(contentEncoding);
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from(w.finish())]);
}

function statusOf(fn: () => unknown): { code: number; reason?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return (err as StatusError).status;
  }
  throw new Error('expected a StatusError');
}

describe('decodeKubeProtobuf on bodies recorded from kubectl 1.35', () => {
  test('every `kubectl create` fixture was sent as protobuf', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(withExpectedJson.length).toBeGreaterThanOrEqual(18);
    for (const name of cases) {
      expect(JSON.parse(readFileSync(join(FIXTURES, `${name}.meta.json`), 'utf8')).contentType).toBe('application/vnd.kubernetes.protobuf');
    }
  });

  test.each(withExpectedJson)('%s decodes to exactly the JSON kubectl itself produces', (name) => {
    const decoded = decodeKubeProtobuf(readFileSync(join(FIXTURES, `${name}.bin`)));
    const expected = dropNullTimes(JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')));
    expect(decoded).toEqual(expected);
  });

  test('kubectl auth can-i and kubectl create token bodies', () => {
    expect(decodeKubeProtobuf(readFileSync(join(FIXTURES, 'can-i.bin')))).toEqual({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
      status: { allowed: false },
    });
    expect(decodeKubeProtobuf(readFileSync(join(FIXTURES, 'token.bin')))).toEqual({
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
      spec: { audiences: ['api'], expirationSeconds: 3600 },
      status: { token: '' },
    });
  });

  test('typed details survive: int-or-string, bytes as base64, maps, nodePort', () => {
    const svc = decodeKubeProtobuf(readFileSync(join(FIXTURES, 'service-nodeport.bin')));
    expect(svc.spec).toEqual({ ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }], selector: { app: 'np' }, type: 'NodePort' });
    const secret = decodeKubeProtobuf(readFileSync(join(FIXTURES, 'secret.bin')));
    expect(Buffer.from((secret.data as Record<string, string>).password, 'base64').toString()).toBe('s3cr3t');
    const deploy = decodeKubeProtobuf(readFileSync(join(FIXTURES, 'deployment.bin')));
    expect(deploy).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 } });
  });
});

describe('decodeKubeProtobuf encodings beyond the fixtures', () => {
  const root = new protobuf.Root();
  // Hand-built messages using upstream field numbers, to check times, quantities, string int-or-string and zero pointers.
  root.add(protobuf.parse(`
    syntax = "proto2";
    package t;
    message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
    message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
    message Quantity { optional string string = 1; }
    message ObjectMeta { optional string name = 1; optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9; }
    message RollingUpdate { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }
    message Strategy { optional string type = 1; optional RollingUpdate rollingUpdate = 2; }
    message Spec { optional int32 replicas = 1; optional Strategy strategy = 4; optional int32 minReadySeconds = 5; optional bool paused = 7; }
    message Deployment { optional ObjectMeta metadata = 1; optional Spec spec = 2; }
    message ResourceRequirements { map<string, Quantity> limits = 1; }
  `, { keepCase: true }).root);

  test('times become RFC3339, IntOrString strings stay strings, zero pointers are kept, zero omitempty fields dropped', () => {
    const Deployment = root.lookupType('t.Deployment');
    const raw = Deployment.encode(Deployment.fromObject({
      metadata: { name: 'x', creationTimestamp: { seconds: 1767225600 }, deletionTimestamp: { seconds: 1767225660, nanos: 0 } },
      spec: { replicas: 0, minReadySeconds: 0, paused: false, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { type: 0, intVal: 2 } } } },
    })).finish();
    expect(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z', deletionTimestamp: '2026-01-01T00:01:00Z' },
      spec: { replicas: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 2 } } },
    });
  });

  test('resource quantities are strings', () => {
    const Pod = protobuf.parse(`syntax = "proto2"; package u;
      message Quantity { optional string string = 1; }
      message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
      message Container { optional string name = 1; optional ResourceRequirements resources = 8; }
      message PodSpec { repeated Container containers = 2; }
      message Pod { optional PodSpec spec = 2; }`, { keepCase: true }).root.lookupType('u.Pod');
    const raw = Pod.encode(Pod.fromObject({ spec: { containers: [{ name: 'c', resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } } } }] } })).finish();
    expect(decodeKubeProtobuf(envelope('v1', 'Pod', raw)).spec).toEqual({ containers: [{ name: 'c', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
  });
});

describe('decodeKubeProtobuf errors', () => {
  test('missing magic prefix is a 400', () => {
    const s = statusOf(() => decodeKubeProtobuf(Buffer.from('{"kind":"Pod"}')));
    expect(s).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(s.message).toMatch(/magic prefix/);
  });
  test('a truncated envelope is a 400', () => {
    const body = readFileSync(join(FIXTURES, 'deployment.bin'));
    const s = statusOf(() => decodeKubeProtobuf(body.subarray(0, 40)));
    expect(s).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
  test('an envelope without type information is a 400', () => {
    expect(statusOf(() => decodeKubeProtobuf(Buffer.from('k8s\0', 'binary')))).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
  test('a corrupt typed payload is a 400 naming the kind', () => {
    const s = statusOf(() => decodeKubeProtobuf(envelope('apps/v1', 'Deployment', Uint8Array.from([0x0a, 0x7f, 0x01]))));
    expect(s).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(s.message).toMatch(/Deployment \(apps\/v1\)/);
  });
  test('an unknown kind is a 415 telling the client to send JSON', () => {
    const s = statusOf(() => decodeKubeProtobuf(envelope('example.com/v1', 'Widget', new Uint8Array())));
    expect(s).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    expect(s.message).toMatch(/Widget \(example\.com\/v1\)/);
    expect(s.message).toMatch(/application\/json/);
    expect(statusOf(() => decodeKubeProtobuf(envelope('v1', 'DeploymentSpec', new Uint8Array()))).code).toBe(415);
  });
  test('gzip content encoding is refused with 415', () => {
    expect(statusOf(() => decodeKubeProtobuf(envelope('v1', 'Namespace', new Uint8Array(), 'gzip'))).code).toBe(415);
  });
});
