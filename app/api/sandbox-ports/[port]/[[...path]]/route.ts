// Opens a port the learner serves in their own sandbox (e.g. `docker run -d -p 8080:80 nginx`) in a
// browser tab: /api/sandbox-ports/8080/ . Only the signed-in learner's own sandbox is ever reached.
import { apiError, requireApiUser } from '@/lib/auth/request';
import { portSchema, proxySandboxPort } from '@/sandbox/drivers/docker/ports';
import { sandboxIdFor } from '@/sandbox/manager';
import { sandboxManager } from '@/sandbox/platform';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ port: string; path?: string[] }> };

async function handle(req: Request, ctx: Context): Promise<Response> {
  const { port: rawPort, path = [] } = await ctx.params;
  const port = portSchema.safeParse(rawPort);
  if (!port.success) return apiError(400, 'invalid', `"${rawPort}" is not a port number (1-65535)`);
  const guard = await requireApiUser(req, { write: req.method !== 'GET' && req.method !== 'HEAD' });
  if (guard.error) return guard.error;
  const url = new URL(req.url);
  const manager = sandboxManager();
  const id = sandboxIdFor(guard.user.id);
  manager.touch(id);
  return proxySandboxPort(manager.driver, id, port.data, `/${path.map(encodeURIComponent).join('/')}${url.search}`, req);
}

export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
