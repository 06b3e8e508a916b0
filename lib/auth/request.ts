// Helpers for route handlers and server components.
import { cookies, headers } from 'next/headers';
import { NextResponse } from 'next/server';
import { csrfProblem, requestOrigin } from '../security/csrf';
import { getUserFromCookieHeader } from './session';
import type { Role, SessionUser } from './users';

export async function currentUser(): Promise<SessionUser | null> {
  const jar = await cookies();
  return getUserFromCookieHeader(jar.getAll().map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; '));
}

export function apiError(status: number, code: string, message: string, extraHeaders?: Record<string, string>): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: extraHeaders });
}

type Guard = { user: SessionUser; error?: undefined } | { user?: undefined; error: NextResponse };

/** For API routes: 401 without a session, 403 without the role, 403 on failed CSRF checks for writes. */
export async function requireApiUser(req: Request, opts: { roles?: Role[]; write?: boolean } = {}): Promise<Guard> {
  if (opts.write) {
    const problem = csrfProblem(req.headers, requestOrigin(req.url, req.headers));
    if (problem) return { error: apiError(403, 'csrf', `request refused: ${problem}`) };
  }
  const user = await getUserFromCookieHeader(req.headers.get('cookie') ?? undefined);
  if (!user) return { error: apiError(401, 'unauthenticated', 'sign in first') };
  if (opts.roles && !opts.roles.includes(user.role)) return { error: apiError(403, 'forbidden', `needs role ${opts.roles.join(' or ')}`) };
  return { user };
}

export async function currentPath(): Promise<string> {
  const h = await headers();
  return h.get('x-kubelab-path') ?? '/';
}
