// POST: grade one exercise against the caller's own sandbox and store the submission.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { gradeExercise, GradingError } from '@/lib/submissions';
import { invalid, jsonBody } from '@/lib/submissions/http';
import { productionGradeDeps } from '@/lib/submissions/service';

export const dynamic = 'force-dynamic';

const bodySchema = z.strictObject({
  lessonKey: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson key such as "kubernetes/first-pods"'),
  exerciseId: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'an exercise id'),
  lang: z.enum(['en', 'ko']).optional(),
  background: z.boolean().optional(),
});

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { write: true });
  if (guard.error) return guard.error;
  const parsed = bodySchema.safeParse(await jsonBody(req));
  if (!parsed.success) return invalid(parsed.error);
  try {
    const result = await gradeExercise({ userId: guard.user.id, ...parsed.data }, productionGradeDeps());
    return NextResponse.json(result);
  } catch (err) {
    if (err instanceof GradingError) return apiError(err.status, err.code, err.message, err.retryAfterSeconds ? { 'retry-after': String(err.retryAfterSeconds) } : undefined);
    throw err;
  }
}
