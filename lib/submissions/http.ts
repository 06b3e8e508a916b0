// Route-handler helpers shared by the grading and export APIs.
import type { z } from 'zod';
import { apiError, requireApiUser } from '../auth/request';
import type { SessionUser } from '../auth/users';
import { db } from '../db';
import { authenticateBearer } from './tokens';

export function invalid(error: z.ZodError) {
  return apiError(400, 'invalid', error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

export async function jsonBody(req: Request): Promise<unknown> {
  return req.json().catch(() => undefined);
}

/** The export API accepts an instructor/admin session or `Authorization: Bearer <API token>`. */
export async function requireExportAccess(req: Request): Promise<{ userId: string; error?: undefined } | { error: Response; userId?: undefined }> {
  const bearer = await authenticateBearer(db(), req.headers.get('authorization'));
  if (bearer) return bearer.ok ? { userId: bearer.user.id } : { error: apiError(bearer.status, bearer.status === 401 ? 'unauthenticated' : 'forbidden', bearer.message, bearer.status === 401 ? { 'www-authenticate': 'Bearer' } : undefined) };
  const guard = await requireApiUser(req, { roles: ['instructor', 'admin'] });
  return guard.error ? { error: guard.error } : { userId: guard.user.id };
}

export function queryObject(req: Request, keys: string[]): Record<string, string> {
  const params = new URL(req.url).searchParams;
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (keys.includes(k) && v !== '') out[k] = v;
  return out;
}

export type { SessionUser };
