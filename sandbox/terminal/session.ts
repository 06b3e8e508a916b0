// A terminal session: one shell per sandbox, shared by every attached client (tabs, reconnects),
// with recent output kept for replay.
import type { PtyStream, SandboxDriver } from '../driver';
import { ReplayBuffer } from './replay-buffer';

export interface TerminalClient {
  send(message: ServerMessage): void;
}

export type ServerMessage =
  | { type: 'output'; data: string }
  | { type: 'status'; state: 'starting' | 'ready' | 'exited' | 'error'; message?: string }
  | { type: 'exit'; code: number }
  | { type: 'pong' };

export class TerminalSession {
  private pty?: PtyStream;
  private starting?: Promise<PtyStream>;
  private readonly buffer = new ReplayBuffer();
  private readonly clients = new Set<TerminalClient>();
  private size = { cols: 80, rows: 24 };

  constructor(
    private readonly driver: SandboxDriver,
    readonly sandboxId: string,
  ) {}

  get pid(): number | undefined {
    return this.pty?.pid;
  }

  /** Adds a client: replays recent output, then streams live output. Starts a shell if none runs. */
  async attach(client: TerminalClient, size?: { cols: number; rows: number }): Promise<void> {
    this.clients.add(client);
    if (size) this.size = size;
    const replay = this.buffer.contents();
    if (replay) client.send({ type: 'output', data: replay });
    await this.ensureShell();
    client.send({ type: 'status', state: 'ready' });
  }

  detach(client: TerminalClient): void {
    this.clients.delete(client);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  write(data: string): void {
    this.pty?.write(data);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.pty?.resize(cols, rows);
  }

  private async ensureShell(): Promise<PtyStream> {
    if (this.pty) return this.pty;
    this.starting ??= this.driver.attach(this.sandboxId, this.size).then((pty) => {
      pty.onData((data) => {
        this.buffer.append(data);
        for (const c of this.clients) c.send({ type: 'output', data });
      });
      pty.onExit((code) => {
        this.pty = undefined;
        this.starting = undefined;
        const note = `\r\n[shell exited with code ${code}; press Enter or reload for a new one]\r\n`;
        this.buffer.append(note);
        for (const c of this.clients) {
          c.send({ type: 'output', data: note });
          c.send({ type: 'exit', code });
        }
      });
      this.pty = pty;
      return pty;
    });
    try {
      return await this.starting;
    } catch (err) {
      this.starting = undefined;
      throw err;
    }
  }

  /** After the shell exited, input restarts it. */
  async writeOrRestart(data: string): Promise<void> {
    if (!this.pty) {
      await this.ensureShell();
      for (const c of this.clients) c.send({ type: 'status', state: 'ready' });
      return;
    }
    this.pty.write(data);
  }

  dispose(): void {
    this.pty?.dispose();
    this.pty = undefined;
    this.clients.clear();
  }
}
