// `kubectl get componentstatuses` (deprecated since v1.19, still served): the control-plane
// components of the mini-cluster always report Healthy, since they run in the API server's process.
import { notFound } from '../api/errors';
import { sendJson } from './http';
import { outputShape } from './request';
import type { RestContext } from './rest';
import type { KubeObject } from '../store/types';

const WARNING = '299 - "v1 ComponentStatus is deprecated in v1.19+"';

function components(): KubeObject[] {
  const healthy = (name: string, message: string): KubeObject => ({
    kind: 'ComponentStatus',
    apiVersion: 'v1',
    metadata: { name },
    conditions: [{ type: 'Healthy', status: 'True', message, error: undefined }],
  });
  return [healthy('controller-manager', 'ok'), healthy('etcd-0', '{"health":"true","reason":""}'), healthy('scheduler', 'ok')].map((o) => JSON.parse(JSON.stringify(o)) as KubeObject);
}

export function handleComponentStatuses(rc: RestContext): void {
  rc.res.setHeader('Warning', WARNING);
  const items = components();
  const { name } = rc.target;
  const selected = name ? items.filter((i) => i.metadata.name === name) : items;
  if (name && selected.length === 0) throw notFound('', 'componentstatuses', name);
  if (outputShape(rc.req.headers.accept) === 'table') {
    // Kubernetes' printComponentStatus columns.
    const col = (n: string, format = '') => ({ name: n, type: 'string', format, description: '', priority: 0 });
    return sendJson(rc.res, 200, {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {},
      columnDefinitions: [col('Name', 'name'), col('Status'), col('Message'), col('Error')],
      rows: selected.map((o) => ({ cells: [o.metadata.name, 'Healthy', (o.conditions as { message: string }[])[0].message, ''], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
    });
  }
  if (name) return sendJson(rc.res, 200, selected[0]);
  sendJson(rc.res, 200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items: selected });
}
