// POST { confirm: true }: stops the caller's sandbox and discards everything kept in it (images,
// containers, cluster objects, files in ~). The next start is a fresh sandbox.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { manager, ownSandbox, refuseForeign, sandboxIdSchema } from '@/lib/sandboxes/http';
import { invalid, jsonBody } from '@/lib/submissions/http';

export const dynamic = 'force-dynamic';

const bodySchema = z.strictObject({
  id: sandboxIdSchema.optional(),
  confirm: z.literal(true, { error: 'confirm must be true: resetting deletes your work in the sandbox' }),
});

export async function POST(req: Request) {
  const guard = await requireApiUser(req, { write: true });
  if (guard.error) return guard.error;
  const parsed = bodySchema.safeParse(await jsonBody(req));
  if (!parsed.success) return invalid(parsed.error);
  const foreign = refuseForeign(guard.user.id, parsed.data.id);
  if (foreign) return foreign;
  const sandboxes = manager();
  if (!sandboxes.canReset) return apiError(409, 'not_resettable', `the ${sandboxes.driver.name} sandbox driver keeps no work between starts, so there is nothing to reset`);
  const own = await ownSandbox(guard.user.id);
  if (own.error) return own.error;
  await sandboxes.reset(guard.user.id);
  return NextResponse.json({ ok: true, now: new Date().toISOString(), sandbox: null });
}
