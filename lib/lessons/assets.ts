// Serving files that lessons reference (`![](./images/x.png)` → /lessons-assets/<track>/<NN-slug>/images/x.png).
// Only files inside the lesson tree, only asset types (never the markdown with its solutions),
// never hidden files, never through a symlink that leaves the tree.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { lessonsRoot } from './loader';

const contentTypes: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.yml': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
};

export type AssetLookup = { ok: true; file: string; contentType: string; size: number; mtimeMs: number } | { ok: false; status: 400 | 404; reason: string };

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Maps URL path segments (already decoded) to a file in the lesson tree, or says why not. */
export function resolveLessonAsset(segments: readonly string[]): AssetLookup {
  if (segments.length < 3) return { ok: false, status: 404, reason: 'expected /lessons-assets/<track>/<lesson folder>/<file>' };
  for (const s of segments) {
    if (s === '' || s.startsWith('.') || /[\\/\0]/.test(s)) return { ok: false, status: 400, reason: `invalid path segment "${s}"` };
  }
  const contentType = contentTypes[path.extname(segments[segments.length - 1]).toLowerCase()];
  if (!contentType) return { ok: false, status: 404, reason: 'not a lesson asset type' };
  const root = lessonsRoot();
  const file = path.resolve(root, ...segments);
  if (!inside(root, file)) return { ok: false, status: 400, reason: 'outside the lesson tree' };
  try {
    if (!inside(realpathSync(root), realpathSync(file))) return { ok: false, status: 404, reason: 'outside the lesson tree' };
    const stat = statSync(file);
    if (!stat.isFile()) return { ok: false, status: 404, reason: 'not a file' };
    return { ok: true, file, contentType, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
}
