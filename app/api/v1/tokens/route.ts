// API tokens for the export API. GET lists the caller's tokens; POST {name} creates one and returns
// it once (only its hash is stored). Instructors and admins, with a browser session.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireApiUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { createApiToken, listApiTokens } from '@/lib/submissions';
import { invalid, jsonBody } from '@/lib/submissions/http';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const guard = await requireApiUser(req, { roles: ['instructor', 'admin'] });
  if (guard.error) return guard.error;
  return NextResponse.json({ tokens: await listApiTokens(db(), guard.user.id) });
}

const bodySchema = z.strictObject({ name: z.string().trim().min(1, 'give the token a name').max(100) });

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { roles: ['instructor', 'admin'], write: true });
  if (guard.error) return guard.error;
  const parsed = bodySchema.safeParse(await jsonBody(req));
  if (!parsed.success) return invalid(parsed.error);
  return NextResponse.json(await createApiToken(db(), guard.user.id, parsed.data.name), { status: 201 });
}
