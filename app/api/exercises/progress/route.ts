// GET ?lesson=track/slug: the caller's status on each exercise of a lesson (restores the panel).
import { NextResponse } from 'next/server';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { lessonExerciseProgress } from '@/lib/submissions';
import { lessonExerciseIds } from '@/lib/submissions/service';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const guard = await requireApiUser(req);
  if (guard.error) return guard.error;
  const lesson = new URL(req.url).searchParams.get('lesson') ?? '';
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(lesson)) return apiError(400, 'invalid', 'lesson: a lesson key such as "kubernetes/first-pods"');
  const ids = await lessonExerciseIds(lesson);
  if (ids.length === 0) return apiError(404, 'not_found', `no lesson ${lesson} with exercises`);
  return NextResponse.json({ lesson, exercises: await lessonExerciseProgress(db(), guard.user.id, lesson, ids) });
}
