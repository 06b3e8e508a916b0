// POST: keep the caller's sandbox running: tops its time left up to `minutes` from now (default
// 60; repeated requests do not pile up) and restarts the inactivity clock.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { manager, optionalJsonBody, ownSandbox, refuseForeign, sandboxIdSchema, viewOf } from '@/lib/sandboxes/http';
import { invalid } from '@/lib/submissions/http';
import { SandboxError } from '@/sandbox/driver';

export const dynamic = 'force-dynamic';

const bodySchema = z.strictObject({
  id: sandboxIdSchema.optional(),
  minutes: z.number().int('whole minutes').min(15, 'at least 15 minutes').max(120, 'at most 120 minutes').default(60),
});

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { write: true });
  if (guard.error) return guard.error;
  const body = await optionalJsonBody(req);
  if (body.error) return body.error;
  const parsed = bodySchema.safeParse(body.body);
  if (!parsed.success) return invalid(parsed.error);
  const foreign = refuseForeign(guard.user.id, parsed.data.id);
  if (foreign) return foreign;
  const own = await ownSandbox(guard.user.id);
  if (own.error) return own.error;
  if (own.info.state !== 'running') return apiError(409, 'not_running', `your sandbox is ${own.info.state}: start it from a lesson's terminal first (your work is kept)`);
  try {
    return NextResponse.json(viewOf(await manager().extend(guard.user.id, parsed.data.minutes * 60_000)));
  } catch (err) {
    if (err instanceof SandboxError && err.code === 'not_found') return apiError(409, 'not_running', err.message);
    throw err;
  }
}
