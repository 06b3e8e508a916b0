// GET: the caller's own sandbox: state, when it stops on its own (lifetime or inactivity) and
// what they may do (extend, reset). `now` lets the browser count down on its own clock.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireApiUser } from '@/lib/auth/request';
import { ownSandbox, refuseForeign, sandboxIdSchema, viewOf } from '@/lib/sandboxes/http';
import { invalid, queryObject } from '@/lib/submissions/http';

export const dynamic = 'force-dynamic';

const querySchema = z.strictObject({ id: sandboxIdSchema.optional() });

export async function GET(req: Request) {
  const guard = await requireApiUser(req);
  if (guard.error) return guard.error;
  const parsed = querySchema.safeParse(queryObject(req, ['id']));
  if (!parsed.success) return invalid(parsed.error);
  const foreign = refuseForeign(guard.user.id, parsed.data.id);
  if (foreign) return foreign;
  const own = await ownSandbox(guard.user.id);
  if (own.error) {
    if (own.error.status !== 404) return own.error;
    return NextResponse.json({ now: new Date().toISOString(), sandbox: null });
  }
  return NextResponse.json(viewOf(own.info), { headers: { 'cache-control': 'no-store' } });
}
