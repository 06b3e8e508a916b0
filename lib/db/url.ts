import { mkdirSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..');

/** DATABASE_URL, defaulting to an embedded SQLite file under .kubelab/. */
export function databaseUrl(): string {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(repoRoot, '.kubelab', 'kubelab.db');
  mkdirSync(path.dirname(file), { recursive: true });
  return `file:${file}`;
}

export function databaseProvider(url: string): 'sqlite' | 'postgresql' {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must be "file:/path/to/db.sqlite" or "postgresql://user:pass@host/db", got "${url.replace(/:[^:@/]*@/, ':***@')}"`);
}

export function sqliteFilePath(url: string): string {
  const file = url.replace(/^file:/, '');
  return path.isAbsolute(file) ? file : path.join(repoRoot, file);
}
