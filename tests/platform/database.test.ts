import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '@/lib/db';
import { prepareDatabase } from '@/lib/db/prepare';
import { derivePostgresSchema, readSchemas } from '@/lib/db/schemas';
import { databaseProvider } from '@/lib/db/url';

describe('database', () => {
  it('keeps the PostgreSQL schema derived from the SQLite source', () => {
    const { sqlite, postgres } = readSchemas();
    expect(postgres).toBe(derivePostgresSchema(sqlite));
  });

  it('rejects unsupported DATABASE_URLs with a clear message', () => {
    expect(databaseProvider('file:/tmp/x.db')).toBe('sqlite');
    expect(databaseProvider('postgresql://u:p@localhost/db')).toBe('postgresql');
    expect(() => databaseProvider('mysql://u:secret@h/db')).toThrow('DATABASE_URL must be "file:/path/to/db.sqlite" or "postgresql://user:pass@host/db", got "mysql://u:***@h/db"');
  });

  it('migrates a fresh SQLite database and stores users, progress and submissions', async () => {
    const url = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'kubelab-db-')), 'test.db')}`;
    await prepareDatabase(() => undefined, url);
    const db = createDb(url);
    try {
      const user = await db.user.create({ data: { email: 'learner@example.com', passwordHash: 'x' } });
      expect(user.role).toBe('learner');
      await db.lessonProgress.create({ data: { userId: user.id, lessonKey: 'kubernetes/first-pods' } });
      await expect(db.lessonProgress.create({ data: { userId: user.id, lessonKey: 'kubernetes/first-pods' } })).rejects.toThrow();
      await db.submission.create({ data: { userId: user.id, lessonKey: 'kubernetes/first-pods', exerciseId: 'run-pod', passed: true, score: 1, maxScore: 1, results: '[]' } });
      expect(await db.submission.count({ where: { userId: user.id } })).toBe(1);
    } finally {
      await db.$disconnect();
    }
  }, 60_000);
});
