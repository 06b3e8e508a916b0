// DELETE: revoke an API token (your own; admins: anyone's).
import { NextResponse } from 'next/server';
import { apiError, requireApiUser } from '@/lib/auth/request';
import { db } from '@/lib/db';
import { revokeApiToken } from '@/lib/submissions';

export const dynamic = 'force-dynamic';

export async function DELETE(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const guard = await requireApiUser(req, { roles: ['instructor', 'admin'], write: true });
  if (guard.error) return guard.error;
  const { id } = await ctx.params;
  if (!(await revokeApiToken(db(), guard.user, id))) return apiError(404, 'not_found', `no API token ${id}`);
  return NextResponse.json({ ok: true });
}
