// Per-user lesson progress.
import type { Db } from '../db';

export type ProgressStatus = 'started' | 'completed';

export async function markStarted(db: Db, userId: string, lessonKey: string): Promise<void> {
  await db.lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey, status: 'started' },
    update: { lastVisitedAt: new Date() },
  });
}

export async function markCompleted(db: Db, userId: string, lessonKey: string): Promise<void> {
  const now = new Date();
  await db.lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey, status: 'completed', completedAt: now },
    update: { status: 'completed', completedAt: now, lastVisitedAt: now },
  });
}

export async function progressByLesson(db: Db, userId: string): Promise<Record<string, ProgressStatus>> {
  const rows = await db.lessonProgress.findMany({ where: { userId } });
  return Object.fromEntries(rows.map((r) => [r.lessonKey, r.status as ProgressStatus]));
}
