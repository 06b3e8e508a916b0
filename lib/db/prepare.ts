// `kubelab prepare` step: generate the Prisma client for the configured provider and apply
// migrations. Fast when nothing changed (stamps in .kubelab/).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { postgresSchemaPath, repoRoot, sqliteSchemaPath } from './schemas';
import { databaseProvider, databaseUrl, sqliteFilePath } from './url';

const prismaCli = path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js');
const stampDir = path.join(repoRoot, '.kubelab', 'stamps');

function runPrisma(args: string[], url: string): void {
  const result = spawnSync(process.execPath, [prismaCli, ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`prisma ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function stamp(name: string, value: string): { fresh: boolean; save(): void } {
  const file = path.join(stampDir, name);
  return {
    fresh: existsSync(file) && readFileSync(file, 'utf8') === value,
    save() {
      mkdirSync(stampDir, { recursive: true });
      writeFileSync(file, value);
    },
  };
}

export async function prepareDatabase(log: (line: string) => void, url = databaseUrl()): Promise<void> {
  const provider = databaseProvider(url);
  const schemaPath = provider === 'postgresql' ? postgresSchemaPath : sqliteSchemaPath;
  const generated = path.join(repoRoot, 'lib', 'db', 'generated', 'client.ts');
  const clientStamp = stamp('prisma-client', hash([provider, readFileSync(schemaPath, 'utf8')]));
  if (!clientStamp.fresh || !existsSync(generated)) {
    log(`database: generating the Prisma client (${provider})`);
    runPrisma(['generate'], url);
    clientStamp.save();
  }
  const migrationsDir = path.join(path.dirname(schemaPath), 'migrations');
  const migrations = readdirSync(migrationsDir).filter((d) => !d.endsWith('.toml')).sort();
  const target = provider === 'sqlite' ? sqliteFilePath(url) : url;
  const migrateStamp = stamp(`migrations-${hash([target]).slice(0, 12)}`, hash(migrations));
  if (provider === 'sqlite' && migrateStamp.fresh && existsSync(target)) return;
  // SQLite creates the file but not its folder: a DATABASE_URL in a new directory must still work.
  if (provider === 'sqlite') mkdirSync(path.dirname(target), { recursive: true });
  log(`database: applying migrations to ${provider === 'sqlite' ? target : provider}`);
  runPrisma(['migrate', 'deploy'], url);
  migrateStamp.save();
}

export const step = {
  title: 'database client and migrations',
  prepare: (log: (line: string) => void) => prepareDatabase(log),
};
