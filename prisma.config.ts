// Prisma CLI configuration. Uses the JavaScript schema engine with a driver adapter so that
// `prisma generate` and `prisma migrate deploy` work offline (no engine binary download).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { databaseUrl, databaseProvider, sqliteFilePath } from './lib/db/url';

// The CLI reads env("DATABASE_URL") from the schema: give it the embedded default when unset.
process.env.DATABASE_URL ??= databaseUrl();
const provider = databaseProvider(process.env.DATABASE_URL);
const dir = provider === 'postgresql' ? path.join('prisma', 'postgresql') : 'prisma';

export default defineConfig({
  schema: path.join(dir, 'schema.prisma'),
  migrations: { path: path.join(dir, 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    if (provider === 'postgresql') {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: databaseUrl() });
    }
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSQLite3({ url: sqliteFilePath(databaseUrl()) });
  },
});
