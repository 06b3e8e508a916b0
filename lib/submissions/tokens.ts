// API tokens for LMS integration: created by instructors/admins, shown once, stored as a SHA-256
// hash, presented as `Authorization: Bearer klt_…`. A token acts with its owner's current role.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db';
import type { Role } from '../auth/users';

const PREFIX = 'klt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(db: Db, userId: string, name: string): Promise<{ id: string; name: string; token: string; createdAt: Date }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  const row = await db.apiToken.create({ data: { userId, name, tokenHash: hashToken(token) } });
  return { id: row.id, name: row.name, token, createdAt: row.createdAt };
}

export async function listApiTokens(db: Db, userId: string) {
  return db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, select: { id: true, name: true, createdAt: true, lastUsedAt: true } });
}

/** Deletes one of the user's tokens (admins may delete anyone's); false when there is no such token. */
export async function revokeApiToken(db: Db, user: { id: string; role: Role }, id: string): Promise<boolean> {
  const r = await db.apiToken.deleteMany({ where: { id, ...(user.role === 'admin' ? {} : { userId: user.id }) } });
  return r.count > 0;
}

export type BearerResult = { ok: true; user: { id: string; email: string; role: Role } } | { ok: false; status: 401 | 403; message: string };

/** Authenticates `Authorization: Bearer <token>`; only instructors and admins may use the export API. */
export async function authenticateBearer(db: Db, header: string | null): Promise<BearerResult | undefined> {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m) return { ok: false, status: 401, message: 'Authorization must be "Bearer <token>"' };
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(m[1]) }, include: { user: true } });
  if (!row) return { ok: false, status: 401, message: 'unknown or revoked API token' };
  const role = row.user.role as Role;
  if (role !== 'instructor' && role !== 'admin') return { ok: false, status: 403, message: 'the token owner is no longer an instructor or admin' };
  // Best effort: a failed timestamp update must not fail the request.
  await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  return { ok: true, user: { id: row.user.id, email: row.user.email, role } };
}
