// pods/log, pods/exec (WebSocket v5) and pods/portforward (SPDY over WebSocket) with the real
// kubectl, against an API server whose PodIO is a small fake backed by a local HTTP server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { badRequest } from '@/sandbox/cluster/api/errors';
import { createApiServer, type ApiServer } from '@/sandbox/cluster/apiserver/server';
import { generateServingCerts } from '@/sandbox/cluster/apiserver/tls';
import { buildKubeconfig, nodeInputs } from '@/sandbox/cluster/cluster';
import type { ClusterContext } from '@/sandbox/cluster/context';
import { AdmissionChain } from '@/sandbox/cluster/events/admission';
import { StoreEventRecorder } from '@/sandbox/cluster/events/recorder';
import type { ExecSession, PodIO } from '@/sandbox/cluster/kubelet/pod-io';
import { MemoryStore } from '@/sandbox/cluster/store';
import { kubectlPath } from '@/sandbox/cluster/kubectl/vendor';
import { hasKubectl, runKubectl } from '../support/cluster';

jest.setTimeout(60_000);
const describeKubectl = hasKubectl() ? describe : describe.skip;

function fakeExec(command: string[], stdinWanted: boolean): ExecSession {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = stdinWanted ? new PassThrough() : undefined;
  let resolveExit!: (v: { exitCode: number }) => void;
  const exit = new Promise<{ exitCode: number }>((r) => (resolveExit = r));
  const [cmd, ...args] = command;
  setImmediate(() => {
    if (cmd === 'echo') {
      stdout.end(args.join(' ') + '\n');
      stderr.end();
      resolveExit({ exitCode: 0 });
    } else if (cmd === 'fail') {
      stdout.end();
      stderr.end('failing on purpose\n');
      resolveExit({ exitCode: 3 });
    } else if ((cmd === 'cat' || cmd === undefined) && stdin) {
      // `cat`, or attaching to a main process that echoes its input.
      stdin.pipe(stdout);
      stdin.on('end', () => {
        stderr.end();
        resolveExit({ exitCode: 0 });
      });
    } else {
      stdout.end();
      stderr.end(`${cmd}: not found\n`);
      resolveExit({ exitCode: 127 });
    }
  });
  return { stdin, stdout, stderr, resize: () => undefined, exit };
}

describeKubectl('streaming subresources with kubectl', () => {
  let api: ApiServer;
  let dir: string;
  let kubeconfig: string;
  let web: http.Server;
  let webPort: number;

  beforeAll(async () => {
    web = http.createServer((_req, res) => res.end('hello from the pod\n'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    webPort = (web.address() as net.AddressInfo).port;
    const store = new MemoryStore();
    const admission = new AdmissionChain();
    const ctx: ClusterContext = {
      store,
      events: new StoreEventRecorder(store),
      admission,
      options: { nodes: nodeInputs(['m-k8s']), serviceCIDR: '10.96.0.0/12', podCIDR: '172.16.0.0/16', loadBalancerPool: '', nodePortRange: { min: 30000, max: 32767 }, maxPodsPerNode: 110, timeScale: 0 },
      now: () => new Date(),
    };
    admission.ctx = ctx;
    store.create({ group: '', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    store.create({ group: '', resource: 'pods' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }] }, status: { phase: 'Running' } });
    const podIO: PodIO = {
      async logs(_ns, pod, opts) {
        if (opts.container && opts.container !== 'web') throw badRequest(`container ${opts.container} is not valid for pod ${pod}`);
        return Readable.from(['line one\n', 'line two\n', 'line three\n'].slice(opts.tailLines ? -opts.tailLines : 0));
      },
      async exec(_ns, _pod, opts) {
        return fakeExec(opts.command, opts.stdin);
      },
      async portForward(_ns, _pod, port) {
        if (port !== 80) throw badRequest(`nothing listens on port ${port}`);
        return net.connect(webPort, '127.0.0.1');
      },
    };
    const certs = generateServingCerts();
    const token = 'streaming-test-token';
    api = createApiServer({ ctx, token, podIO: () => podIO, tls: certs });
    const port = await api.listen(0, '127.0.0.1');
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-streaming-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, buildKubeconfig(`https://127.0.0.1:${port}`, token, certs.caCert));
  });
  afterAll(async () => {
    await api?.close();
    web?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[], stdin?: string) => runKubectl(kubeconfig, dir, args, { stdin });

  it('streams logs with tailLines', async () => {
    expect((await kubectl(['logs', 'web'])).stdout).toBe('line one\nline two\nline three\n');
    expect((await kubectl(['logs', 'web', '--tail=1'])).stdout).toBe('line three\n');
    const bad = await kubectl(['logs', 'web', '-c', 'nope']);
    expect(bad.stderr).toContain('container nope is not valid for pod web');
  });

  it('execs commands over WebSocket with stdout, stdin and exit codes', async () => {
    const ok = await kubectl(['exec', 'web', '--', 'echo', 'hi', 'there']);
    expect(ok).toMatchObject({ code: 0, stdout: 'hi there\n' });
    const failed = await kubectl(['exec', 'web', '--', 'fail']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('failing on purpose');
    expect(failed.stderr).toContain('command terminated with exit code 3');
    const piped = await kubectl(['exec', '-i', 'web', '--', 'cat'], 'from stdin\n');
    expect(piped).toMatchObject({ code: 0, stdout: 'from stdin\n' });
  });

  it('attaches to the main process (kubectl attach -i)', async () => {
    const r = await kubectl(['attach', '-i', 'web'], 'to the main process\n');
    expect(r.stdout).toContain('to the main process\n');
  });

  it('execs through @kubernetes/client-node (what the grader uses)', async () => {
    const { Exec, KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const run = (command: string[]) =>
      new Promise<{ out: string; err: string; status: { status?: string; details?: { causes?: { reason?: string; message?: string }[] } } }>((resolve, reject) => {
        let out = '';
        let err = '';
        const stdout = new PassThrough().on('data', (d: Buffer) => (out += d.toString()));
        const stderr = new PassThrough().on('data', (d: Buffer) => (err += d.toString()));
        new Exec(kc).exec('default', 'web', 'web', command, stdout, stderr, null, false, (status) => setTimeout(() => resolve({ out, err, status }), 50)).catch(reject);
      });
    const ok = await run(['echo', 'graded']);
    expect(ok.out).toBe('graded\n');
    expect(ok.status.status).toBe('Success');
    const failed = await run(['fail']);
    expect(failed.err).toContain('failing on purpose');
    expect(failed.status.status).toBe('Failure');
    expect(failed.status.details?.causes).toEqual([{ reason: 'ExitCode', message: '3' }]);
  });

  it('port-forwards through @kubernetes/client-node (channel protocol)', async () => {
    const { KubeConfig, PortForward } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    let out = '';
    const output = new PassThrough().on('data', (d: Buffer) => (out += d.toString()));
    const input = new PassThrough();
    const ws = (await new PortForward(kc).portForward('default', 'web', [80], output, null, input)) as { close(): void };
    input.write('GET / HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n');
    const deadline = Date.now() + 10_000;
    while (!out.includes('hello from the pod') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    expect(out).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(out).toContain('hello from the pod');
  });

  it('forwards a local port to the pod', async () => {
    const local = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const child = spawn(kubectlPath(), ['port-forward', 'pod/web', `${local}:80`], { env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('Forwarding from') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const get = () => new Promise<string>((resolve, reject) => http.get(`http://127.0.0.1:${local}/`, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject));
      expect(await get()).toBe('hello from the pod\n');
      expect(await get()).toBe('hello from the pod\n');
    } finally {
      child.kill('SIGINT');
    }
    expect(out).toContain(`Forwarding from 127.0.0.1:${local} -> 80`);
  });
});
