// The Prisma client, wired to SQLite (default) or PostgreSQL through a driver adapter.
import { PrismaClient } from './generated/client';
import { databaseProvider, databaseUrl, sqliteFilePath } from './url';

export type Db = PrismaClient;

export function createDb(url = databaseUrl()): PrismaClient {
  if (databaseProvider(url) === 'postgresql') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaPg } = require('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrismaBetterSQLite3 } = require('@prisma/adapter-better-sqlite3') as typeof import('@prisma/adapter-better-sqlite3');
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sqliteFilePath(url) }) });
}

const globalForDb = globalThis as unknown as { kubelabDb?: PrismaClient };

/** Process-wide client (survives Next dev reloads). */
export function db(): PrismaClient {
  globalForDb.kubelabDb ??= createDb();
  return globalForDb.kubelabDb;
}
