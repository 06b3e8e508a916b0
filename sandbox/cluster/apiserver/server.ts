// The mini-cluster's API server: bearer-token authentication, health and version endpoints,
// discovery, OpenAPI, and the REST/watch/streaming routes for every registered resource.
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { StatusError } from '../api/errors';
import type { ClusterContext } from '../context';
import type { PodIO } from '../kubelet/pod-io';
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery';
import { sendJson, sendStatus, toStatusError } from './http';
import { openapiModule } from './plugins';
import { notFoundPath, parseResourcePath, queryFlag } from './request';
import { handleBinding, handleCreate, handleDelete, handleDeleteCollection, handleEviction, handleGet, handleList, handlePatch, handleScale, handleStatusGet, handleUpdate, type RestContext } from './rest';
import { handleComponentStatuses } from './componentstatuses';
import { handleEventsView } from './events-view';
import { handleReview, isReview } from './reviews';
import { handleLogs, handleStreamUpgrade } from './streaming';
import { handleWatch } from './watch';

export const SERVER_VERSION = {
  major: '1',
  minor: '35',
  emulationMajor: '1',
  emulationMinor: '35',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '34',
  gitVersion: 'v1.35.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-12-17T00:00:00Z',
  goVersion: 'go1.25.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface ApiServerOptions {
  ctx: ClusterContext;
  /** Every request must carry `Authorization: Bearer <token>` (health and version excepted). */
  token: string;
  /** The kubelets' streaming endpoints; absent until the kubelets start. */
  podIO?: () => PodIO | undefined;
  /** Log each request to stderr. */
  accessLog?: boolean;
  /** TLS serving certificate and key (PEM). */
  tls: { cert: string; key: string };
}

export interface ApiServer {
  server: https.Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const { ctx } = opts;
  const activeWatches = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    if (!PUBLIC_PATHS.has(path) && !tokenMatches(req.headers.authorization, opts.token)) throw unauthorized();

    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    }
    if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
    if (path === '/api' || path === '/apis') {
      if (wantsAggregated(req.headers.accept)) {
        return sendJson(res, 200, aggregatedDiscovery(path === '/api'), { 'Content-Type': AGGREGATED_CONTENT_TYPE, Vary: 'Accept' });
      }
      return sendJson(res, 200, path === '/api' ? apiVersions(`${req.socket.localAddress}:${req.socket.localPort}`) : apiGroupList(), { Vary: 'Accept' });
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return serveOpenApi(path, res);
    if (path === '/openapi/v2') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const seg = path.split('/').filter(Boolean);
    if (seg[0] === 'api' && seg.length === 2) {
      const list = apiResourceList('', seg[1]);
      if (!list) throw notFoundPath();
      return sendJson(res, 200, list);
    }
    if (seg[0] === 'apis' && seg.length === 2) {
      const group = apiGroup(seg[1]);
      if (!group) throw notFoundPath();
      return sendJson(res, 200, group);
    }
    if (seg[0] === 'apis' && seg.length === 3) {
      const list = apiResourceList(seg[1], seg[2]);
      if (!list) throw notFoundPath();
      return sendJson(res, 200, list);
    }

    const target = parseResourcePath(path);
    if (!target) throw notFoundPath();
    const rc: RestContext = { ctx, req, res, query: url.searchParams, target };
    const { name, subresource, info } = target;

    if (info.group === 'events.k8s.io' && info.resource === 'events' && !subresource) return handleEventsView(rc, method, activeWatches);
    if (info.group === '' && info.resource === 'componentstatuses') {
      if (method !== 'GET' || queryFlag(rc.query, 'watch')) throw methodNotAllowed();
      return handleComponentStatuses(rc);
    }
    if (isReview(info)) {
      if (method !== 'POST' || name) throw methodNotAllowed();
      return handleReview(rc);
    }
    if (info.group === '' && info.resource === 'bindings') {
      if (method !== 'POST' || name) throw methodNotAllowed();
      return handleBinding(rc, undefined);
    }
    if (subresource) {
      switch (subresource) {
        case 'status':
          if (method === 'GET') return handleStatusGet(rc);
          if (method === 'PUT') return handleUpdate(rc);
          if (method === 'PATCH') return handlePatch(rc);
          throw methodNotAllowed();
        case 'scale':
          return handleScale(rc, method);
        case 'binding':
          if (method !== 'POST') throw methodNotAllowed();
          return handleBinding(rc, name);
        case 'eviction':
          if (method !== 'POST') throw methodNotAllowed();
          return handleEviction(rc);
        case 'log':
          if (method !== 'GET') throw methodNotAllowed();
          return handleLogs(rc, opts.podIO?.());
        case 'exec':
        case 'attach':
        case 'portforward':
          throw new StatusError(400, 'BadRequest', `Upgrade request required`);
        case 'finalize':
          if (method !== 'PUT') throw methodNotAllowed();
          return handleUpdate(rc);
        default:
          throw notFoundPath();
      }
    }
    if (!name) {
      if (method === 'GET') return queryFlag(rc.query, 'watch') ? handleWatch(rc, activeWatches) : handleList(rc);
      if (method === 'POST') return handleCreate(rc);
      if (method === 'DELETE') return handleDeleteCollection(rc);
      throw methodNotAllowed();
    }
    switch (method) {
      case 'GET':
        return queryFlag(rc.query, 'watch') ? handleWatch(rc, activeWatches) : handleGet(rc);
      case 'PUT':
        return handleUpdate(rc);
      case 'PATCH':
        return handlePatch(rc);
      case 'DELETE':
        return handleDelete(rc);
      default:
        throw methodNotAllowed();
    }
  }

  function serveOpenApi(path: string, res: ServerResponse): void {
    const mod = openapiModule();
    if (!mod) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    if (path === '/openapi/v3') return sendJson(res, 200, { paths: mod.openapiV3Paths() });
    const doc = mod.openapiV3Document(path.slice('/openapi/v3/'.length));
    if (!doc) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const hash = mod.openapiV3Hash?.(path.slice('/openapi/v3/'.length));
    sendJson(res, 200, doc, { 'Cache-Control': 'public, immutable', ...(hash ? { ETag: `"${hash}"` } : {}) });
  }

  const server = https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    if (opts.accessLog) res.on('finish', () => process.stderr.write(`apiserver: ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms\n`));
    route(req, res).catch((err: unknown) => {
      const se = toStatusError(err);
      if (se.code >= 500 && !(err instanceof StatusError)) process.stderr.write(`apiserver: ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}\n`);
      if (res.headersSent) {
        res.end();
        return;
      }
      sendStatus(res, se.status);
    });
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handleStreamUpgrade(req, socket, head, {
      ctx,
      authorized: tokenMatches(req.headers.authorization, opts.token),
      podIO: opts.podIO?.(),
    });
  });
  server.on('clientError', (_err: Error, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  // TLS handshake failures (e.g. a client that does not trust the cluster CA) just drop the connection.
  server.on('tlsClientError', () => undefined);

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const res of activeWatches) res.end();
        activeWatches.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

function methodNotAllowed(): StatusError {
  return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export type { RestContext };
