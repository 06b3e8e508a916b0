import { apiError } from '@/lib/auth/request';
import { createUser, DuplicateEmailError, signUpSchema } from '@/lib/auth/users';
import { db } from '@/lib/db';
import { csrfProblem, requestOrigin } from '@/lib/security/csrf';
import { limiter } from '@/lib/security/rate-limit';
import { NextResponse } from 'next/server';

export async function POST(req: Request) {
  const problem = csrfProblem(req.headers, requestOrigin(req.url, req.headers));
  if (problem) return apiError(403, 'csrf', `request refused: ${problem}`);
  const ip = req.headers.get('x-forwarded-for')?.split(',')[0].trim() || 'local';
  const gate = limiter('signup', 10, 60_000).take(ip);
  if (!gate.allowed) return apiError(429, 'rate_limited', `too many sign-ups, try again in ${gate.retryAfterSeconds} s`, { 'retry-after': String(gate.retryAfterSeconds) });
  const body = await req.json().catch(() => undefined);
  const parsed = signUpSchema.safeParse(body);
  if (!parsed.success) return apiError(400, 'invalid', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  try {
    const user = await createUser(db(), parsed.data);
    return NextResponse.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
  } catch (err) {
    if (err instanceof DuplicateEmailError) return apiError(409, 'duplicate', err.message);
    throw err;
  }
}
