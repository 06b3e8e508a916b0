// Web ports of a learner's sandbox in their browser: a request to
// /api/sandbox-ports/PORT/PATH is forwarded to PORT on the learner's own sandbox container
// (a port published by their inner Docker daemon, or anything listening on the sandbox).
// The route authenticates the learner and only ever targets their own sandbox.
import { z } from 'zod';
import type { SandboxDriver } from '../../driver';
import { SandboxError } from '../../driver';

export const portSchema = z.coerce.number().int().min(1).max(65535);
/** Hop-by-hop and identity headers that must not cross the proxy. */
const DROP_REQUEST = ['host', 'cookie', 'authorization', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length'];
const DROP_RESPONSE = ['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length', 'set-cookie'];

interface PortTargetDriver extends SandboxDriver {
  portTarget(id: string): Promise<string>;
}

function hasPortTarget(driver: SandboxDriver): driver is PortTargetDriver {
  return typeof (driver as Partial<PortTargetDriver>).portTarget === 'function';
}

/** Forwards `req` to `port` of sandbox `id`; `path` is the part after the port (with its query). */
export async function proxySandboxPort(driver: SandboxDriver, id: string, port: number, path: string, req: Request): Promise<Response> {
  if (!hasPortTarget(driver)) return Response.json({ error: { code: 'unavailable', message: 'web ports need the docker sandbox driver' } }, { status: 404 });
  let host: string;
  try {
    host = await driver.portTarget(id);
  } catch (err) {
    const message = err instanceof SandboxError ? err.message : 'your sandbox is not running: start it from a lesson first';
    return Response.json({ error: { code: 'not_running', message } }, { status: 409 });
  }
  const headers = new Headers(req.headers);
  for (const h of DROP_REQUEST) headers.delete(h);
  headers.set('host', `localhost:${port}`);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
  try {
    const res = await fetch(`http://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`, { method: req.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const out = new Headers(res.headers);
    for (const h of DROP_RESPONSE) out.delete(h);
    return new Response(req.method === 'HEAD' ? null : res.body, { status: res.status, statusText: res.statusText, headers: out });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const message = cause === 'ECONNREFUSED' ? `nothing is listening on port ${port} in your sandbox (try: docker run -d -p ${port}:80 nginx)` : `port ${port} in your sandbox did not answer`;
    return Response.json({ error: { code: 'bad_gateway', message } }, { status: 502 });
  }
}
