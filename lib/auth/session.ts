// Who is asking: reads the next-auth JWT session from a request's cookies. Used by route
// handlers, server components and the WebSocket upgrade, which has no Next request context.
import { decode } from 'next-auth/jwt';
import { config } from '../config';
import { db } from '../db';
import type { Role, SessionUser } from './users';

export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

export async function getUserFromCookieHeader(cookieHeader: string | undefined, secret = config().secret): Promise<SessionUser | null> {
  const cookies = parseCookies(cookieHeader);
  const token = SESSION_COOKIES.map((n) => cookies[n]).find(Boolean);
  if (!token) return null;
  try {
    const payload = await decode({ token, secret });
    if (!payload?.uid) return null;
    // The role may have changed since the token was issued: read it fresh.
    const user = await db().user.findUnique({ where: { id: String(payload.uid) } });
    return user ? { id: user.id, email: user.email, name: user.name, role: user.role as Role } : null;
  } catch {
    return null;
  }
}
