// Shared pieces of the browser tests: Debian's chromium with the flags this machine needs, React
// harness pages bundled by esbuild, and route handlers (Web Request -> Response) served over node:http.
import type http from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const root = path.join(__dirname, '..', '..');

/** Bundles a harness entry (a .tsx that renders app components) into browser JS and CSS. */
export async function bundleHarness(entry: string): Promise<{ js: string; css: string }> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: '/harness',
    platform: 'browser',
    format: 'iife',
    jsx: 'automatic',
    tsconfig: path.join(root, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const asset = (ext: string) => bundle.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: asset('.js'), css: asset('.css') };
}

/** The incoming request as the Web `Request` a Next route handler takes. */
export async function toRequest(req: http.IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  return new Request(`${base}${req.url}`, { method: req.method, headers, body: chunks.length && req.method !== 'GET' ? Buffer.concat(chunks) : undefined });
}

/** Writes a route handler's `Response` (streamed bodies included) to the node response. */
export async function send(res: http.ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  }
  res.end();
}
