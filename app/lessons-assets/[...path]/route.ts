// Files referenced by lessons (images, sample manifests). See lib/lessons/assets.ts for what is served.
import { readFile } from 'node:fs/promises';
import { resolveLessonAsset } from '@/lib/lessons/assets';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path: segments } = await context.params;
  const asset = resolveLessonAsset(segments ?? []);
  if (!asset.ok) return new Response(asset.status === 400 ? 'Bad request' : 'Not found', { status: asset.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const etag = `"${asset.size.toString(16)}-${Math.floor(asset.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    'Content-Type': asset.contentType,
    ETag: etag,
    // Short: lesson edits show up quickly; ETag makes revalidation cheap.
    'Cache-Control': 'public, max-age=60',
    'X-Content-Type-Options': 'nosniff',
    // An SVG opened directly must not run scripts.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
  };
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const body = await readFile(asset.file);
  return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Length': String(body.length) } });
}
