// GET: the caller's own gradings, newest first (?lesson= to narrow, ?limit= up to 1000).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireApiUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { submissionHistory } from '@/lib/submissions';
import { invalid, queryObject } from '@/lib/submissions/http';

export const dynamic = 'force-dynamic';

const querySchema = z.strictObject({
  lesson: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson key such as "kubernetes/first-pods"').optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export async function GET(req: Request) {
  const guard = await requireApiUser(req);
  if (guard.error) return guard.error;
  const parsed = querySchema.safeParse(queryObject(req, ['lesson', 'limit']));
  if (!parsed.success) return invalid(parsed.error);
  return NextResponse.json({ submissions: await submissionHistory(db(), guard.user.id, { lessonKey: parsed.data.lesson, limit: parsed.data.limit }) });
}
