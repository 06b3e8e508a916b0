import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { loadCatalog } from '@/lib/lessons';
import { markCompleted, markStarted, progressByLesson } from '@/lib/progress';

export async function GET(req: Request) {
  const guard = await requireApiUser(req);
  if (guard.error) return guard.error;
  return NextResponse.json({ progress: await progressByLesson(db(), guard.user.id) });
}

const updateSchema = z.strictObject({ lessonKey: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/), status: z.enum(['started', 'completed']) });

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { write: true });
  if (guard.error) return guard.error;
  const parsed = updateSchema.safeParse(await req.json().catch(() => undefined));
  if (!parsed.success) return apiError(400, 'invalid', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const catalog = await loadCatalog();
  const lesson = catalog.tracks.flatMap((t) => t.lessons).find((l) => l.key === parsed.data.lessonKey);
  if (!lesson) return apiError(404, 'not_found', `no lesson ${parsed.data.lessonKey}`);
  // A lesson with exercises is completed by grading (every exercise passed), never by the browser's word.
  if (parsed.data.status === 'completed' && lesson.exerciseCount > 0) {
    return apiError(409, 'graded_lesson', `${lesson.key} has exercises: it is completed when every exercise passes a Check`);
  }
  if (parsed.data.status === 'completed') await markCompleted(db(), guard.user.id, parsed.data.lessonKey);
  else await markStarted(db(), guard.user.id, parsed.data.lessonKey);
  return NextResponse.json({ ok: true });
}
