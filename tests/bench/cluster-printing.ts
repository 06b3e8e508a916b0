// Figures for the API server's pure helpers: OpenAPI v3 generation (first /openapi/v3 request and
// one group-version document), Table printing of many pods, and protobuf decoding of kubectl bodies.
// Run: npx tsx tests/bench/cluster-printing.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findUnknownFields, openapiV3Document, openapiV3Paths } from '../../sandbox/cluster/apiserver/openapi';
import { toTable } from '../../sandbox/cluster/apiserver/tables';
import { decodeKubeProtobuf } from '../../sandbox/cluster/apiserver/protobuf';
import type { KubeObject } from '../../sandbox/cluster/store/types';

function time<T>(label: string, fn: () => T, repeat = 1): T {
  const t0 = process.hrtime.bigint();
  let result!: T;
  for (let i = 0; i < repeat; i++) result = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label}: ${(ms / repeat).toFixed(3)} ms${repeat > 1 ? ` (mean of ${repeat})` : ''}`);
  return result;
}

const heap0 = process.memoryUsage().heapUsed;
const paths = time('openapiV3Paths() first call (parse spec, build and hash every document)', () => openapiV3Paths());
console.log(`  ${Object.keys(paths).length} group-versions, heap +${((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(1)} MB`);
time('openapiV3Paths() cached', () => openapiV3Paths(), 100);
const core = time('openapiV3Document("api/v1") cached', () => openapiV3Document('api/v1'), 100);
console.log(`  api/v1 document: ${(JSON.stringify(core).length / 1e6).toFixed(2)} MB of JSON`);

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }] } } } };
time('findUnknownFields(deployment)', () => findUnknownFields(deployment), 1000);

const now = new Date();
const pods: KubeObject[] = Array.from({ length: 1000 }, (_, i) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `web-${i}`, namespace: 'default', creationTimestamp: new Date(now.getTime() - i * 1000).toISOString(), labels: { app: 'web' } },
  spec: { nodeName: 'w1-k8s', containers: [{ name: 'web', image: 'nginx' }] },
  status: { phase: 'Running', podIPs: [{ ip: `10.0.${i >> 8}.${i & 255}` }], containerStatuses: [{ name: 'web', ready: true, restartCount: i % 3, state: { running: {} }, lastState: i % 3 ? { terminated: { exitCode: 1, finishedAt: now.toISOString() } } : {} }] },
}));
time('toTable(1000 pods, includeObject=Metadata)', () => toTable({ group: '', resource: 'pods' }, pods, { wide: true, includeObject: 'Metadata', now }), 20);

const body = readFileSync(join(__dirname, '../cluster/protobuf/fixtures/deployment.bin'));
time('decodeKubeProtobuf(deployment) first call (loads the .proto files)', () => decodeKubeProtobuf(body));
time('decodeKubeProtobuf(deployment)', () => decodeKubeProtobuf(body), 1000);
