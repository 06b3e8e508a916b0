// One data model, two providers: prisma/schema.prisma (SQLite, the source) and
// prisma/postgresql/schema.prisma (derived). Both have migration folders produced by
// `prisma migrate diff` from the same datamodel, so either database gets the same tables.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.join(__dirname, '..', '..');
export const sqliteSchemaPath = path.join(repoRoot, 'prisma', 'schema.prisma');
export const postgresSchemaPath = path.join(repoRoot, 'prisma', 'postgresql', 'schema.prisma');

export function derivePostgresSchema(sqliteSchema: string): string {
  return sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output          = "../lib/db/generated"', 'output          = "../../lib/db/generated"')
    .replace(/^\/\/ Source of truth.*\n(\/\/.*\n)*/m, '// GENERATED from prisma/schema.prisma by `kubelab db sync`: edit that file instead.\n');
}

export function readSchemas(): { sqlite: string; postgres: string } {
  return { sqlite: readFileSync(sqliteSchemaPath, 'utf8'), postgres: readFileSync(postgresSchemaPath, 'utf8') };
}
