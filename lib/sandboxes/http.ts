// Shared by the /api/sandbox routes: a learner only ever reaches their own sandbox. The id is
// derived from the session; a client may name it (e.g. a stale tab) but never someone else's.
import { z } from 'zod';
import { apiError } from '../auth/request';
import { sandboxManager } from '../../sandbox/platform';
import { sandboxIdFor, type SandboxManager } from '../../sandbox/manager';
import type { SandboxInfo } from '../../sandbox/driver';
import { sandboxView } from './view';

export const sandboxIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a sandbox id such as u-0123456789abcdef');

export function manager(): SandboxManager {
  return sandboxManager();
}

/** 403 when `requestedId` is not the caller's sandbox. */
export function refuseForeign(userId: string, requestedId: string | undefined) {
  if (requestedId !== undefined && requestedId !== sandboxIdFor(userId)) return apiError(403, 'forbidden', `sandbox ${requestedId} belongs to another learner: you can only see and change your own`);
  return undefined;
}

/** The caller's sandbox, or the 404/403 response explaining why not. */
export async function ownSandbox(userId: string): Promise<{ info: SandboxInfo; error?: undefined } | { error: Response; info?: undefined }> {
  const info = await manager().get(userId);
  if (!info) return { error: apiError(404, 'not_found', 'you have no sandbox yet: open a lesson with a terminal to start one') };
  // Ids are derived from the owner; a record naming another owner means something is badly wrong.
  if (info.userId !== userId) return { error: apiError(403, 'forbidden', 'this sandbox belongs to another learner') };
  return { info };
}

/** The JSON body, `{}` when there is none, or a 400 response when it is not JSON. */
export async function optionalJsonBody(req: Request): Promise<{ body: unknown; error?: undefined } | { error: Response; body?: undefined }> {
  const text = await req.text().catch(() => '');
  if (!text.trim()) return { body: {} };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { error: apiError(400, 'invalid', 'body: not valid JSON') };
  }
}

export function viewOf(info: SandboxInfo) {
  return { now: new Date().toISOString(), sandbox: sandboxView(info, { canReset: manager().canReset }) };
}
