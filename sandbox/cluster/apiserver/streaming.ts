// Streaming subresources served from the kubelets' PodIO: pods/log (chunked text), pods/exec and
// pods/attach over WebSocket (channel protocol v5/v4.channel.k8s.io: byte 0 of each frame is the
// stream: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close), and pods/portforward over
// WebSocket (v4.channel.k8s.io / portforward.k8s.io: per port a data and an error channel whose
// first frame carries the port as 2 bytes little-endian).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, notFound, StatusError } from '../api/errors';
import { REF } from '../api/registry';
import type { ClusterContext } from '../context';
import type { ExecSession, LogOptions, PodIO } from '../kubelet/pod-io';
import { toStatusError } from './http';
import { parseResourcePath, queryFlag, queryInt } from './request';
import { runSpdyPortForward, SPDY_PORTFORWARD_PROTOCOL } from './spdy';
import type { RestContext } from './rest';

function noKubelet(): StatusError {
  return new StatusError(503, 'InternalError', 'no kubelet is running in this mini-cluster, so pods have no logs, exec or port-forward', {});
}

export async function handleLogs(rc: RestContext, podIO: PodIO | undefined): Promise<void> {
  const { namespace, name } = rc.target;
  const pod = rc.ctx.store.get(REF.pods, namespace, name!);
  if (!pod) throw notFound('', 'pods', name!);
  if (!podIO) throw noKubelet();
  const q = rc.query;
  const opts: LogOptions = {
    container: q.get('container') ?? undefined,
    follow: queryFlag(q, 'follow'),
    previous: queryFlag(q, 'previous'),
    timestamps: queryFlag(q, 'timestamps'),
    tailLines: queryInt(q, 'tailLines'),
    sinceSeconds: queryInt(q, 'sinceSeconds'),
    limitBytes: queryInt(q, 'limitBytes'),
  };
  if (opts.tailLines !== undefined && opts.tailLines < 0) throw badRequest('tailLines: Invalid value: must be greater than or equal to 0');
  if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) throw badRequest('sinceSeconds: Invalid value: must be greater than 0');
  if (q.get('sinceTime')) {
    const since = Date.parse(q.get('sinceTime')!);
    if (Number.isNaN(since)) throw badRequest(`sinceTime: Invalid value: "${q.get('sinceTime')}": must be an RFC3339 timestamp`);
    opts.sinceSeconds = Math.max(1, Math.ceil((rc.ctx.now().getTime() - since) / 1000));
  }
  const stream = await podIO.logs(namespace!, name!, opts);
  const res = rc.res;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  stream.on('data', (chunk: Buffer | string) => res.write(chunk));
  stream.on('end', () => res.end());
  stream.on('error', () => res.end());
  res.on('close', () => stream.destroy());
}

// ---------------- WebSocket upgrades ----------------

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const PORTFORWARD_PROTOCOLS = [SPDY_PORTFORWARD_PROTOCOL, 'v4.channel.k8s.io', 'portforward.k8s.io'];

/**
 * `SPDY/3.1+portforward.k8s.io` contains a '/', which the ws package rejects as a subprotocol
 * token. We hand ws a stand-in and put the real name back into the 101 response.
 */
const SPDY_STANDIN = 'kubelab-spdy-portforward';

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (protocols) => {
    if (protocols.has(SPDY_STANDIN)) return SPDY_STANDIN;
    for (const p of [...EXEC_PROTOCOLS, ...PORTFORWARD_PROTOCOLS]) if (protocols.has(p)) return p;
    return false;
  },
});
wss.on('headers', (headers: string[]) => {
  for (let i = 0; i < headers.length; i++) {
    if (headers[i].toLowerCase() === `sec-websocket-protocol: ${SPDY_STANDIN}`) headers[i] = `Sec-WebSocket-Protocol: ${SPDY_PORTFORWARD_PROTOCOL}`;
  }
});

export interface UpgradeContext {
  ctx: ClusterContext;
  authorized: boolean;
  podIO: PodIO | undefined;
}

function rejectUpgrade(socket: Socket, err: unknown): void {
  const status = toStatusError(err).status;
  const body = JSON.stringify(status);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 503: 'Service Unavailable' }[status.code] ?? 'Error';
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

function isWebSocket(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/**
 * kubectl falls back to SPDY when the WebSocket upgrade is refused. To show the learner the real
 * reason (e.g. the container is not running) rather than "SPDY is not supported", the error of a
 * refused WebSocket attempt is remembered briefly and repeated for the SPDY retry of the same URL.
 */
const recentFailures = new Map<string, { err: unknown; at: number }>();
const FAILURE_MEMORY_MS = 10_000;

function rememberFailure(url: string, err: unknown): void {
  const now = Date.now();
  for (const [k, v] of recentFailures) if (now - v.at > FAILURE_MEMORY_MS) recentFailures.delete(k);
  recentFailures.set(url, { err, at: now });
}

export function handleStreamUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, uc: UpgradeContext): void {
  socket.on('error', () => socket.destroy());
  const websocket = isWebSocket(req);
  void (async () => {
    if (!uc.authorized) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = parseResourcePath(url.pathname.replace(/\/+$/, ''));
    if (!target || target.info.resource !== 'pods' || target.info.group !== '' || !target.name || !['exec', 'attach', 'portforward'].includes(target.subresource ?? '')) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const pod = uc.ctx.store.get(REF.pods, target.namespace, target.name);
    if (!pod) throw notFound('', 'pods', target.name);
    if (!uc.podIO) throw noKubelet();
    if (!websocket) {
      const earlier = recentFailures.get(req.url ?? '');
      if (earlier && Date.now() - earlier.at < FAILURE_MEMORY_MS) throw earlier.err;
      throw badRequest('this API server streams exec, attach and port-forward over WebSockets only (v5.channel.k8s.io); SPDY is not supported');
    }
    const q = url.searchParams;
    if (target.subresource === 'portforward') return startPortForward(req, socket, head, uc.podIO, target.namespace!, target.name, q);
    const command = q.getAll('command');
    if (target.subresource === 'exec' && command.length === 0) throw badRequest('you must specify at least 1 command');
    const tty = queryFlag(q, 'tty');
    const stdin = queryFlag(q, 'stdin');
    const session = await uc.podIO.exec(target.namespace!, target.name, { container: q.get('container') ?? undefined, command: target.subresource === 'attach' ? [] : command, tty, stdin });
    wss.handleUpgrade(req, socket, head, (ws) => runExec(ws, session, { stdout: q.get('stdout') !== '0' && q.get('stdout') !== 'false', stderr: queryFlag(q, 'stderr'), command }));
  })().catch((err: unknown) => {
    if (websocket) rememberFailure(req.url ?? '', err);
    rejectUpgrade(socket, err);
  });
}

function frame(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

function exitStatus(exitCode: number, command: string[], message?: string): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: message ?? `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function runExec(ws: WebSocket, session: ExecSession, want: { stdout: boolean; stderr: boolean; command: string[] }): void {
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
  };
  let pending = 0;
  let exit: { exitCode: number; message?: string } | undefined;
  const maybeFinish = () => {
    if (exit === undefined || pending > 0) return;
    send(3, JSON.stringify(exitStatus(exit.exitCode, want.command, exit.message)));
    ws.close(1000);
  };
  const pipe = (stream: Readable | undefined, channel: number, enabled: boolean) => {
    if (!stream) return;
    pending++;
    stream.on('data', (chunk: Buffer | string) => {
      if (enabled) send(channel, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    });
    const done = () => {
      pending--;
      maybeFinish();
    };
    stream.once('end', done);
    stream.once('error', done);
  };
  session.stdin?.on('error', () => undefined);
  pipe(session.stdout, 1, want.stdout);
  pipe(session.stderr, 2, true);
  ws.on('message', (raw: Buffer) => {
    const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === 0) session.stdin?.write(payload);
    else if (channel === 4) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
        if (size.Width && size.Height) session.resize(size.Width, size.Height);
      } catch {
        // A malformed resize message is ignored, as the kubelet does.
      }
    } else if (channel === 255 && v5 && payload[0] === 0) session.stdin?.end();
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    session.stdin?.end();
    session.stdout.destroy();
    session.stderr?.destroy();
  });
  session.exit.then(
    (result) => {
      exit = result;
      // Give the output streams a moment to drain after the process ends.
      setTimeout(() => {
        pending = 0;
        maybeFinish();
      }, 2000).unref();
      maybeFinish();
    },
    (err: unknown) => {
      send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: err instanceof Error ? err.message : String(err), reason: 'InternalError' }));
      ws.close(1000);
    },
  );
}

function requestedProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

function startPortForward(req: IncomingMessage, socket: Socket, head: Buffer, podIO: PodIO, namespace: string, pod: string, q: URLSearchParams): void {
  if (requestedProtocols(req).includes(SPDY_PORTFORWARD_PROTOCOL)) {
    // kubectl: SPDY tunnelled through the WebSocket; ports arrive as stream headers.
    req.headers['sec-websocket-protocol'] = SPDY_STANDIN;
    wss.handleUpgrade(req, socket, head, (ws) => runSpdyPortForward(ws, podIO, namespace, pod));
    return;
  }
  const ports = q.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw badRequest('query parameter "ports" must name at least one port between 1 and 65535');
  wss.handleUpgrade(req, socket, head, (ws) => {
    const streams: (Duplex | undefined)[] = [];
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
    };
    ports.forEach((port, i) => {
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16LE(port);
      send(i * 2, portBytes);
      send(i * 2 + 1, portBytes);
      podIO.portForward(namespace, pod, port).then(
        (stream) => {
          streams[i] = stream;
          stream.on('data', (chunk: Buffer) => send(i * 2, chunk));
          stream.on('error', (err) => send(i * 2 + 1, err.message));
          stream.on('close', () => {
            if (ws.readyState === ws.OPEN) ws.close(1000);
          });
        },
        (err: unknown) => {
          send(i * 2 + 1, toStatusError(err).message);
          ws.close(1000);
        },
      );
    });
    ws.on('message', (raw: Buffer) => {
      const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer);
      if (data.length === 0) return;
      const channel = data[0];
      const payload = data.subarray(1);
      // v5: [255, n] closes the client's side of channel n.
      if (channel === 255) {
        if (payload.length && payload[0] % 2 === 0) streams[payload[0] / 2]?.end();
        return;
      }
      if (channel % 2 === 0 && payload.length) streams[channel / 2]?.write(payload);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => streams.forEach((s) => s?.destroy()));
  });
}
