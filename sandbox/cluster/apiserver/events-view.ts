// events.k8s.io/v1 Events are a second view of the core/v1 Events (one storage, as in Kubernetes):
// reads convert core events to the events.k8s.io shape (regarding, note, reportingController,
// deprecated* fields) and writes convert back.
import type { ServerResponse } from 'node:http';
import { badRequest, notFound, StatusError } from '../api/errors';
import { resourceInfo } from '../api/registry';
import { parseLabelSelector } from '../api/selectors';
import type { KubeObject } from '../store/types';
import { sendJson } from './http';
import { createObject, updateObject } from './objects';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch';
import { asKubeObject, outputShape, queryFlag, readObjectBody, readPatchBody } from './request';
import { buildTable, deleteObject, type RestContext } from './rest';
import { handleWatch } from './watch';

const CORE = resourceInfo({ group: '', resource: 'events' });
const CORE_REF = { group: '', resource: 'events' };

type Obj = Record<string, unknown>;

function compact(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function toEventsV1(core: KubeObject): KubeObject {
  const c = core as Obj;
  return compact({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: core.metadata,
    eventTime: c.eventTime ?? null,
    series: c.series,
    reportingController: c.reportingComponent ?? (c.source as Obj | undefined)?.component,
    reportingInstance: c.reportingInstance ?? (c.source as Obj | undefined)?.host,
    action: c.action,
    reason: c.reason,
    regarding: c.involvedObject,
    related: c.related,
    note: c.message,
    type: c.type,
    deprecatedSource: c.source,
    deprecatedFirstTimestamp: c.firstTimestamp,
    deprecatedLastTimestamp: c.lastTimestamp,
    deprecatedCount: c.count,
  }) as KubeObject;
}

export function toCoreEvent(ev: KubeObject): KubeObject {
  const e = ev as Obj;
  return compact({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: ev.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series: e.series,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  }) as KubeObject;
}

function dryRun(rc: RestContext): boolean {
  return rc.query.getAll('dryRun').includes('All');
}

function manager(rc: RestContext): string {
  return rc.query.get('fieldManager') ?? String(rc.req.headers['user-agent'] ?? 'unknown').split('/')[0];
}

function currentCore(rc: RestContext): KubeObject {
  const obj = rc.ctx.store.get(CORE_REF, rc.target.namespace, rc.target.name!);
  if (!obj) throw notFound('events.k8s.io', 'events', rc.target.name!);
  return obj;
}

export async function handleEventsView(rc: RestContext, method: string, activeWatches: Set<ServerResponse>): Promise<void> {
  const { info, namespace, name } = rc.target;
  const res = rc.res;
  if (!name && method === 'GET') {
    if (queryFlag(rc.query, 'watch')) return handleWatch(rc, activeWatches, { ref: CORE_REF, present: toEventsV1 });
    const labelSelector = rc.query.get('labelSelector') ?? undefined;
    parseLabelSelector(labelSelector);
    const { items, resourceVersion } = rc.ctx.store.list(CORE_REF, { namespace, labelSelector, fieldSelector: rc.query.get('fieldSelector') ?? undefined });
    if (outputShape(rc.req.headers.accept) === 'table') {
      const table = buildTable(CORE_REF, items, (rc.query.get('includeObject') ?? 'Metadata') as 'Metadata', rc.ctx.now());
      table.metadata = { resourceVersion };
      return sendJson(res, 200, table);
    }
    return sendJson(res, 200, { kind: 'EventList', apiVersion: 'events.k8s.io/v1', metadata: { resourceVersion }, items: items.map(toEventsV1) });
  }
  if (!name && method === 'POST') {
    const ev = asKubeObject(await readObjectBody(rc.req, 'Event'), info);
    if (ev.metadata.namespace && ev.metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    ev.metadata.namespace = namespace;
    const created = createObject(rc.ctx, CORE, toCoreEvent(ev), { dryRun: dryRun(rc), manager: manager(rc) });
    return sendJson(res, 201, toEventsV1(created));
  }
  if (!name && method === 'DELETE') {
    const { items, resourceVersion } = rc.ctx.store.list(CORE_REF, { namespace, labelSelector: rc.query.get('labelSelector') ?? undefined });
    const deleted = items.map((o) => deleteObject(rc.ctx, CORE, o.metadata.namespace, o.metadata.name!, { dryRun: dryRun(rc) }));
    return sendJson(res, 200, { kind: 'EventList', apiVersion: 'events.k8s.io/v1', metadata: { resourceVersion }, items: deleted.map(toEventsV1) });
  }
  if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  switch (method) {
    case 'GET':
      if (queryFlag(rc.query, 'watch')) return handleWatch(rc, activeWatches, { ref: CORE_REF, present: toEventsV1 });
      return sendJson(res, 200, toEventsV1(currentCore(rc)));
    case 'PUT': {
      const current = currentCore(rc);
      const ev = asKubeObject(await readObjectBody(rc.req, 'Event'), info);
      return sendJson(res, 200, toEventsV1(updateObject(rc.ctx, CORE, current, toCoreEvent(ev), { dryRun: dryRun(rc), manager: manager(rc) })));
    }
    case 'PATCH': {
      const current = currentCore(rc);
      const { type, patch } = await readPatchBody(rc.req);
      const view = toEventsV1(current);
      const patched =
        type === 'application/json-patch+json' ? applyJsonPatch(view, patch) : type === 'application/strategic-merge-patch+json' ? applyStrategicMergePatch(view, patch) : applyMergePatch(view, patch);
      const ev = asKubeObject(patched, info);
      ev.metadata.resourceVersion = current.metadata.resourceVersion;
      return sendJson(res, 200, toEventsV1(updateObject(rc.ctx, CORE, current, toCoreEvent(ev), { dryRun: dryRun(rc), manager: manager(rc) })));
    }
    case 'DELETE':
      return sendJson(res, 200, toEventsV1(deleteObject(rc.ctx, CORE, namespace, name, { dryRun: dryRun(rc) })));
    default:
      throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  }
}
