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

beforeAll(async () => {
  manager = new SandboxManager(new LocalDriver({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'kubelab-bridge-')) }));
  // Sessions are looked up through an injected authenticator: here `session=<user>` cookies.
  bridge = new TerminalBridge({ manager, authenticate: async (cookie) => (/session=(\w+)/.exec(cookie ?? '') ? { id: /session=(\w+)/.exec(cookie!)![1] } : null) });
  server = http.createServer((_, res) => res.end('next'));
  server.on('upgrade', (req, socket, head) => {
    if (!bridge.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  bridge.close();
  await manager.shutdown();
  server.close();
});

function connect(user: string | undefined, origin = `http://${base}`) {
  const ws = new WebSocket(`ws://${base}/api/terminal?cols=120&rows=30`, { headers: { origin, ...(user ? { cookie: `session=${user}` } : {}) } });
  let output = '';
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.type === 'output') output += m.data;
  });
  return {
    ws,
    output: () => output,
    opened: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    }),
    send: (data: string) => ws.send(JSON.stringify({ type: 'input', data })),
    async waitFor(pattern: RegExp) {
      for (let i = 0; i < 500 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 20));
      if (!pattern.test(output)) throw new Error(`no ${pattern} in ${JSON.stringify(output.slice(-300))}`);
      return pattern.exec(output)!;
    },
    close: () => new Promise<void>((r) => (ws.once('close', () => r()), ws.close())),
  };
}

describe('terminal WebSocket bridge', () => {
  it('refuses unauthenticated upgrades with 401 and foreign origins with 403', async () => {
    await expect(connect(undefined).opened).rejects.toThrow('HTTP 401');
    await expect(connect('alice', 'http://evil.example').opened).rejects.toThrow('HTTP 403');
  });

  it('attaches, runs a command, and a reconnect replays output from the same shell', async () => {
    const first = connect('alice');
    await first.opened;
    first.send('echo hello; echo pid=$$\r');
    const pid = (await first.waitFor(/pid=(\d+)/))[1];
    expect(first.output()).toContain('hello');
    await first.close();

    const again = connect('alice');
    await again.opened;
    await again.waitFor(new RegExp(`pid=${pid}`));
    const tab2 = connect('alice');
    await tab2.opened;
    again.send('echo still=$$\r');
    await again.waitFor(new RegExp(`still=${pid}`));
    await tab2.waitFor(new RegExp(`still=${pid}`));
    await again.close();
    await tab2.close();
  });

  it("never reaches another learner's shell", async () => {
    const alice = connect('alice');
    await alice.opened;
    alice.send('echo alice=$$\r');
    const alicePid = (await alice.waitFor(/alice=(\d+)/))[1];
    const bob = connect('bob');
    await bob.opened;
    bob.send('echo bob=$$ home=$HOME\r');
    const m = await bob.waitFor(/bob=(\d+) home=(\S+)/);
    expect(m[1]).not.toBe(alicePid);
    expect(bob.output()).not.toContain(`alice=${alicePid}`);
    expect(m[2]).not.toContain((await manager.get('alice'))!.id);
    await alice.close();
    await bob.close();
  });

  it('closes the socket on malformed messages', async () => {
    const c = connect('carol');
    await c.opened;
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
    c.ws.send('{"type":"resize","cols":"wide"}');
    expect(await closed).toBe(1008);
  });
});
