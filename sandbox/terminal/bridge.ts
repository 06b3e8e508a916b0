// The terminal WebSocket endpoint. The server hands it upgrade requests; it claims only
// TERMINAL_PATH, authenticates the session cookie, derives the learner's own sandbox from the
// session (a client can never name someone else's), and pipes the shared shell session.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { SandboxManager } from '../manager';
import { attachQuerySchema, clientMessageSchema, TERMINAL_PATH } from './protocol';
import { TerminalSession, type ServerMessage } from './session';

export interface TerminalBridgeDeps {
  manager: SandboxManager;
  /** Resolves the signed-in user from the Cookie header (next-auth session), or null. */
  authenticate(cookieHeader: string | undefined): Promise<{ id: string } | null>;
  heartbeatMs?: number;
}

const MAX_BUFFERED = 8 * 1024 * 1024;

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  socket.destroy();
}

/** Same-origin check: the browser's Origin must name the host the request was sent to. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export class TerminalBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly deps: TerminalBridgeDeps) {
    const alive = new WeakMap<WebSocket, boolean>();
    this.wss.on('connection', (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
    });
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (alive.get(ws) === false) ws.terminate();
        else {
          alive.set(ws, false);
          ws.ping();
        }
      }
    }, deps.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** Returns false when the request is not for the terminal (the caller passes it on). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TERMINAL_PATH) return false;
    void this.accept(req, socket, head, url);
    return true;
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    if (!originAllowed(req)) return refuse(socket, 403, 'Forbidden');
    const user = await this.deps.authenticate(req.headers.cookie).catch(() => null);
    if (!user) return refuse(socket, 401, 'Unauthorized');
    const query = attachQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return refuse(socket, 400, 'Bad Request');
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.serve(ws, user.id, query.data));
  }

  private async serve(ws: WebSocket, userId: string, query: { profile: 'none' | 'docker' | 'kubernetes' | 'full'; cols: number; rows: number }): Promise<void> {
    const send = (m: ServerMessage) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED) return ws.close(1013, 'client too slow');
      ws.send(JSON.stringify(m));
    };
    const client = { send };
    let session: TerminalSession | undefined;
    const pendingInput: string[] = [];
    ws.on('message', (raw) => {
      let parsed;
      try {
        parsed = clientMessageSchema.safeParse(JSON.parse(raw.toString()));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) return ws.close(1008, 'invalid message');
      const m = parsed.data;
      if (m.type === 'ping') return send({ type: 'pong' });
      if (!session) {
        if (m.type === 'input') pendingInput.push(m.data);
        return;
      }
      this.deps.manager.touch(session.sandboxId);
      if (m.type === 'input') {
        // The shell is restarted on input after it exited; that fails when the sandbox itself was
        // stopped (time limit, inactivity, disk limit) and must not become an unhandled rejection.
        session.writeOrRestart(m.data).catch((err: unknown) => {
          send({ type: 'status', state: 'error', message: `your sandbox is not running (${err instanceof Error ? err.message : String(err)}). Your work is kept: press Start to resume.` });
        });
      }
      else session.resize(m.cols, m.rows);
    });
    ws.on('close', () => session?.detach(client));

    send({ type: 'status', state: 'starting', message: 'starting your sandbox…' });
    try {
      const profile = query.profile === 'none' ? 'none' : query.profile;
      const info = await this.deps.manager.ensure(userId, profile);
      if (info.state !== 'running') {
        send({ type: 'status', state: 'error', message: info.message ?? `sandbox is ${info.state}` });
        return;
      }
      session = this.sessionFor(info.id);
      await session.attach(client, { cols: query.cols, rows: query.rows });
      for (const data of pendingInput.splice(0)) session.write(data);
    } catch (err) {
      send({ type: 'status', state: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private sessionFor(sandboxId: string): TerminalSession {
    let s = this.sessions.get(sandboxId);
    if (!s) {
      s = new TerminalSession(this.deps.manager.driver, sandboxId);
      this.sessions.set(sandboxId, s);
    }
    return s;
  }

  /** Drops the shell session of a stopped sandbox. */
  forget(sandboxId: string): void {
    this.sessions.get(sandboxId)?.dispose();
    this.sessions.delete(sandboxId);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
