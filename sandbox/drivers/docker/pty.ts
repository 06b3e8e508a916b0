// An interactive shell in a sandbox container: `docker exec -it` over the Engine API (hijacked
// stream), with resize and the shell's exit code.
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import type { PtyStream } from '../../driver';

export async function openPty(container: Docker.Container, size: { cols: number; rows: number }, env: string[]): Promise<PtyStream> {
  const exec = await container.exec({
    Cmd: ['/bin/bash', '-l'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', 'COLORTERM=truecolor', ...env],
    WorkingDir: '/root',
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as NodeJS.ReadWriteStream & { destroy(): void };
  const resize = (cols: number, rows: number) => exec.resize({ h: Math.max(2, rows), w: Math.max(2, cols) }).catch(() => undefined);
  await resize(size.cols, size.rows);
  const pid = ((await exec.inspect()) as { Pid?: number }).Pid ?? 0;

  const decoder = new StringDecoder('utf8');
  const dataListeners = new Set<(data: string) => void>();
  const exitListeners = new Set<(code: number) => void>();
  let exitCode: number | undefined;
  stream.on('data', (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (text) for (const l of dataListeners) l(text);
  });
  const finish = async () => {
    if (exitCode !== undefined) return;
    exitCode = -1;
    try {
      exitCode = ((await exec.inspect()) as { ExitCode?: number | null }).ExitCode ?? 0;
    } catch {
      /* the container is gone */
    }
    for (const l of exitListeners) l(exitCode);
  };
  stream.on('end', () => void finish());
  stream.on('close', () => void finish());
  stream.on('error', () => void finish());

  return {
    pid,
    onData(listener) {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    onExit(listener) {
      if (exitCode !== undefined && exitCode !== -1) queueMicrotask(() => listener(exitCode!));
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    write(data) {
      if (exitCode === undefined) stream.write(data);
    },
    resize(cols, rows) {
      void resize(cols, rows);
    },
    dispose() {
      stream.destroy();
    },
  };
}

/** Runs a command to completion and collects its output (demultiplexed). */
export async function execCollect(container: Docker.Container, cmd: string[], opts: { env?: string[]; stdin?: string } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: opts.stdin !== undefined, Env: opts.env, WorkingDir: '/root' });
  const stream = (await exec.start({ hijack: true, stdin: opts.stdin !== undefined })) as NodeJS.ReadWriteStream;
  let stdout = '';
  let stderr = '';
  const cap = (text: string, chunk: Buffer) => (text.length > 1_000_000 ? text : text + chunk.toString());
  const { Writable } = await import('node:stream');
  const out = new Writable({ write: (c: Buffer, _e, cb) => ((stdout = cap(stdout, c)), cb()) });
  const err = new Writable({ write: (c: Buffer, _e, cb) => ((stderr = cap(stderr, c)), cb()) });
  container.modem.demuxStream(stream, out, err);
  if (opts.stdin !== undefined) stream.end(opts.stdin);
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', resolve);
  });
  const info = (await exec.inspect()) as { ExitCode?: number | null };
  return { exitCode: info.ExitCode ?? 1, stdout, stderr };
}
