// Typing into the terminal of a sandbox that was stopped underneath it (time limit, inactivity,
// disk limit): the bridge says so and how to resume, instead of an unhandled promise rejection
// (which ends a Node 20 server).
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { LocalDriver } from '@/sandbox/drivers/local';
import { SandboxManager } from '@/sandbox/manager';
import { TerminalBridge } from '@/sandbox/terminal/bridge';

let server: http.Server;
let bridge: TerminalBridge;
let manager: SandboxManager;
let base: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  manager = new SandboxManager(new LocalDriver({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'kubelab-bridge-stopped-')) }));
  bridge = new TerminalBridge({ manager, authenticate: async (cookie) => (cookie?.startsWith('session=') ? { id: cookie.slice('session='.length) } : null) });
  server = http.createServer((_, res) => res.end('next'));
  server.on('upgrade', (req, socket, head) => {
    if (!bridge.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  bridge.close();
  await manager.shutdown();
  server.close();
});

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('reports a stopped sandbox on input and resumes on a new connection', async () => {
  const messages: Array<{ type: string; state?: string; message?: string; data?: string }> = [];
  const ws = new WebSocket(`ws://${base}/api/terminal?profile=none&cols=100&rows=30`, { headers: { origin: `http://${base}`, cookie: 'session=dora' } });
  ws.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  await waitUntil('the shell', () => messages.some((m) => m.type === 'status' && m.state === 'ready'));

  await manager.stop('dora');
  await waitUntil('the shell to exit', () => messages.some((m) => m.type === 'exit'));
  ws.send(JSON.stringify({ type: 'input', data: 'ls\r' }));
  await waitUntil('the error status', () => messages.some((m) => m.type === 'status' && m.state === 'error'));
  expect(messages.find((m) => m.state === 'error')?.message).toMatch(/^your sandbox is not running \(.*\)\. Your work is kept: press Start to resume\.$/);
  expect(unhandled).toEqual([]);
  ws.close();

  // Start in the browser = a new connection, which starts the sandbox again.
  const again: typeof messages = [];
  const ws2 = new WebSocket(`ws://${base}/api/terminal?profile=none&cols=100&rows=30`, { headers: { origin: `http://${base}`, cookie: 'session=dora' } });
  ws2.on('message', (raw) => again.push(JSON.parse(raw.toString())));
  await waitUntil('the resumed shell', () => again.some((m) => m.type === 'status' && m.state === 'ready'));
  ws2.send(JSON.stringify({ type: 'input', data: 'echo back-$((40+2))\r' }));
  await waitUntil('output from the resumed shell', () => again.some((m) => m.type === 'output' && m.data?.includes('back-42')));
  ws2.close();
});
