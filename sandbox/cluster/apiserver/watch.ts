// `?watch=1`: a chunked HTTP response with one JSON watch event per line, flushed as it happens.
// Supports resourceVersion resumption (410 Expired as an ERROR event, like Kubernetes),
// allowWatchBookmarks, sendInitialEvents (ending with the `k8s.io/initial-events-end` bookmark),
// timeoutSeconds, and Table events for `kubectl get -w`.
import type { ServerResponse } from 'node:http';
import { badRequest, StatusError } from '../api/errors';
import { parseFieldSelector, parseLabelSelector } from '../api/selectors';
import type { KubeObject, ResourceRef, Watch, WatchEvent } from '../store/types';
import { toStatusError } from './http';
import { outputShape, queryFlag, queryInt } from './request';
import { buildTable, type RestContext } from './rest';

/** How often an idle watch that allows bookmarks gets one. */
const BOOKMARK_INTERVAL_MS = 30_000;
/** Unsent watch output allowed per connection before the watch is closed. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Kubernetes picks a random timeout between 30 and 60 minutes when the client gives none. */
const DEFAULT_TIMEOUT_S = 1800;

interface BookmarkingWatch extends Watch {
  requestBookmark?: () => void;
}

export interface WatchView {
  /** Storage to watch instead of the target's own (events.k8s.io reads core events). */
  ref: ResourceRef;
  /** Converts stored objects to the served shape. */
  present: (obj: KubeObject) => KubeObject;
}

export function handleWatch(rc: RestContext, activeWatches: Set<ServerResponse>, view?: WatchView): void {
  const { info, namespace, name } = rc.target;
  if (!info.verbs.includes('watch')) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  const q = rc.query;
  const labelSelector = q.get('labelSelector') ?? undefined;
  parseLabelSelector(labelSelector);
  let fieldSelector = q.get('fieldSelector') ?? undefined;
  if (fieldSelector) parseFieldSelector(fieldSelector, ['metadata.name', 'metadata.namespace', ...info.fieldSelectors]);
  if (name) fieldSelector = [fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',');
  const sendInitialEvents = q.has('sendInitialEvents') ? queryFlag(q, 'sendInitialEvents') : undefined;
  const rvMatch = q.get('resourceVersionMatch');
  if (sendInitialEvents !== undefined && rvMatch !== 'NotOlderThan') {
    throw new StatusError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`);
  }
  const timeoutSeconds = queryInt(q, 'timeoutSeconds') || DEFAULT_TIMEOUT_S;
  if (timeoutSeconds < 0) throw badRequest('timeoutSeconds must not be negative');
  const shape = outputShape(rc.req.headers.accept);
  const include = (q.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
  const ref: ResourceRef = view?.ref ?? { group: info.group, resource: info.resource };
  const res = rc.res;
  let firstTable = true;

  const encode = (ev: WatchEvent): string => {
    let object: unknown = ev.object;
    if (shape === 'table' && ev.type !== 'BOOKMARK') {
      const table = buildTable(ref, [ev.object], include, rc.ctx.now());
      // Column definitions once per watch, as the API server does.
      if (!firstTable) table.columnDefinitions = [];
      firstTable = false;
      table.metadata = { resourceVersion: ev.object.metadata.resourceVersion };
      object = table;
    } else if (shape === 'metadata' && ev.type !== 'BOOKMARK') {
      object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: ev.object.metadata };
    } else if (view) {
      object = ev.type === 'BOOKMARK' ? { ...ev.object, apiVersion: `${info.group}/${info.version}`, kind: info.kind } : view.present(ev.object);
    }
    return JSON.stringify({ type: ev.type, object }) + '\n';
  };

  let watch: BookmarkingWatch | undefined;
  const allowBookmarks = queryFlag(q, 'allowWatchBookmarks');
  let startError: StatusError | undefined;
  try {
    watch = rc.ctx.store.watch(ref, { namespace, labelSelector, fieldSelector, resourceVersion: q.get('resourceVersion') ?? undefined, allowWatchBookmarks: allowBookmarks, sendInitialEvents }, (ev) => {
      if (ev.type === 'BOOKMARK' && !allowBookmarks && !sendInitialEvents) return;
      if (res.writableEnded) return;
      // A client that stops reading is cut off (it will re-list), instead of buffering without bound.
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        finish();
        return;
      }
      res.write(encode(ev));
    }) as BookmarkingWatch;
  } catch (err) {
    const se = toStatusError(err);
    if (se.code !== 410 && se.code !== 504) throw se;
    startError = se;
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  activeWatches.add(res);
  if (startError) {
    res.end(JSON.stringify({ type: 'ERROR', object: startError.status }) + '\n');
    activeWatches.delete(res);
    return;
  }

  const bookmarkTimer = allowBookmarks && watch?.requestBookmark ? setInterval(() => watch?.requestBookmark?.(), BOOKMARK_INTERVAL_MS) : undefined;
  const timeout = setTimeout(() => finish(), timeoutSeconds * 1000);
  function finish(): void {
    clearTimeout(timeout);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    watch?.stop();
    activeWatches.delete(res);
    if (!res.writableEnded) res.end();
  }
  res.on('close', finish);
  rc.req.on('close', () => {
    if (rc.req.destroyed) finish();
  });
}

export type { KubeObject };
