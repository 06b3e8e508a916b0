// POST: reveal the next hint or the solution of an exercise (recorded for the dashboard).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { limiter } from '@/lib/security/rate-limit';
import { revealHint, revealSolution, touchExercise } from '@/lib/submissions';
import { invalid, jsonBody } from '@/lib/submissions/http';
import { productionGradeDeps } from '@/lib/submissions/service';

export const dynamic = 'force-dynamic';

const bodySchema = z.strictObject({
  lessonKey: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson key such as "kubernetes/first-pods"'),
  exerciseId: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'an exercise id'),
  action: z.enum(['open', 'hint', 'solution']),
});

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { write: true });
  if (guard.error) return guard.error;
  const parsed = bodySchema.safeParse(await jsonBody(req));
  if (!parsed.success) return invalid(parsed.error);
  const rate = limiter('exercise-help', 60, 60_000).take(guard.user.id);
  if (!rate.allowed) return apiError(429, 'rate_limited', `too many requests: try again in ${rate.retryAfterSeconds}s`, { 'retry-after': String(rate.retryAfterSeconds) });
  const { lessonKey, exerciseId, action } = parsed.data;
  const definition = productionGradeDeps().definition(lessonKey, exerciseId);
  if (!definition) return apiError(404, 'not_found', `no exercise "${exerciseId}" in lesson ${lessonKey}`);
  const key = { userId: guard.user.id, lessonKey, exerciseId };
  if (action === 'open') {
    await touchExercise(db(), key);
    return NextResponse.json({ ok: true });
  }
  if (action === 'hint') {
    if (definition.exercise.hints.length === 0) return apiError(400, 'no_hints', 'this exercise has no hints');
    return NextResponse.json(await revealHint(db(), key, definition.exercise.hints.length));
  }
  return NextResponse.json(await revealSolution(db(), key));
}
