// Two learners' sandboxes: neither can reach the other, nor the platform's ports on the host, and
// a fork bomb or a memory hog in one leaves the host and the other sandbox working.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { describeDocker, dockerCli, ensureTestImages, expectOk, testDriver, uniqueId } from './helpers';

jest.setTimeout(20 * 60_000);

describeDocker('docker driver: isolation and limits', () => {
  const driver = testDriver({ settings: { memoryBytes: 512 * 1024 ** 2, pidsLimit: 256 } });
  const a = uniqueId('iso-a');
  const b = uniqueId('iso-b');
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    await ensureTestImages();
    // Stands in for the platform: listens on every interface of the host, like `npm start` with the docker driver.
    server = http.createServer((_req, res) => res.end('platform\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as AddressInfo).port;
    const [ia, ib] = await Promise.all([driver.create({ id: a, userId: 'learner-a', profile: 'docker' }), driver.create({ id: b, userId: 'learner-b', profile: 'docker' })]);
    expect([ia.state, ib.state]).toEqual(['running', 'running']);
  });
  afterAll(async () => {
    server?.close();
    await Promise.all([driver.reset(a), driver.reset(b)].map((p) => p.catch(() => undefined)));
    await driver.close();
  });

  const ipOf = (id: string) => dockerCli(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', `kubelab-sbx-${id}`]).split(' ')[0];
  const gatewayOf = (id: string) => dockerCli(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', `kubelab-sbx-${id}`]);

  it('the host reaches its own test server (control)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('platform\n');
  });

  it('a sandbox cannot reach the platform port on the host, nor the loopback registry', async () => {
    const gw = gatewayOf(a);
    expect(gw).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const r = await driver.exec(a, `curl -s -m 3 http://${gw}:${port}/; echo "rc=$?"; curl -s -m 3 http://${gw}:5000/v2/; echo "rc=$?"`);
    expect(r.stdout).not.toContain('platform');
    expect(r.stdout).toMatch(/rc=(7|28)\n.*rc=(7|28)\n?$/s);
    // Nor through any other address of the host.
    const hostIps = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address));
    expect(hostIps.length).toBeGreaterThan(0);
    const probes = hostIps.map((ip) => `curl -s -m 2 http://${ip}:${port}/ || true`).join('; ');
    expect((await driver.exec(a, probes, { timeoutMs: 60_000 })).stdout).not.toContain('platform');
  });

  it("a sandbox cannot reach another learner's sandbox, even a port it serves", async () => {
    expectOk(await driver.exec(b, 'docker run -d -p 8080:80 nginx', { timeoutMs: 300_000 }), 'docker run in b');
    const ipB = ipOf(b);
    // Control: b serves the page on its own address.
    let served = '';
    for (let i = 0; i < 60 && !served.includes('nginx'); i++) {
      served = (await driver.exec(b, `curl -s -m 2 http://${ipB}:8080/`)).stdout;
      if (!served.includes('nginx')) await new Promise((r) => setTimeout(r, 500));
    }
    expect(served).toContain('Welcome to nginx!');
    const r = await driver.exec(a, `curl -s -m 3 http://${ipB}:8080/; echo "rc=$?"; ping -c1 -W2 ${ipB} >/dev/null 2>&1; echo "ping=$?"`);
    expect(r.stdout).not.toContain('nginx');
    expect(r.stdout).toMatch(/rc=(7|28)/);
    expect(r.stdout).toContain('ping=1');
  });

  it('a sandbox sees no platform files: only node, kubectl and helm are mounted, read-only', async () => {
    const r = await driver.exec(a, 'ls /opt/kubelab; ls /opt/kubelab/bin; test -e /opt/kubelab/app && echo "app visible"; touch /opt/kubelab/bin/node 2>/dev/null && echo "node writable"; mount | grep -c " /opt/kubelab/"');
    expect(r.stdout).toBe('bin\nhelm\nkubectl\nnode\n3\n');
  });

  it('a fork bomb in one sandbox hits its pids limit; the host and the other sandbox keep working', async () => {
    const bomb = driver.exec(a, "bash -c ':(){ :|:& };:' >/dev/null 2>&1; sleep 15", { timeoutMs: 25_000 });
    await new Promise((r) => setTimeout(r, 5_000));
    const pids = Number(dockerCli(['inspect', '-f', '{{.HostConfig.PidsLimit}}', `kubelab-sbx-${a}`]));
    expect(pids).toBe(256);
    const other = await driver.exec(b, 'echo alive');
    expect(other).toMatchObject({ exitCode: 0, stdout: 'alive\n' });
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await bomb;
    // Clean up the bomb: kill everything in a except the init processes.
    dockerCli(['restart', '-t', '1', `kubelab-sbx-${a}`]);
  });

  it('a memory hog is OOM-killed inside its own sandbox; the other sandbox is untouched', async () => {
    // Wait for a to be usable again after the restart above.
    for (let i = 0; i < 120; i++) {
      const r = await driver.exec(a, 'test -f /run/kubelab/ready && echo up').catch(() => ({ stdout: '' }));
      if (r.stdout.includes('up')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const hog = await driver.exec(a, 'head -c 2G /dev/zero | tail > /dev/null; echo "hog=$?"', { timeoutMs: 120_000 });
    expect(hog.stdout).toMatch(/hog=(137|1)/);
    expect(await driver.exec(b, 'echo alive')).toMatchObject({ exitCode: 0, stdout: 'alive\n' });
    expect((await driver.status(a))?.state).toBe('running');
    const limit = Number(dockerCli(['inspect', '-f', '{{.HostConfig.Memory}}', `kubelab-sbx-${a}`]));
    expect(limit).toBe(512 * 1024 ** 2);
  });
});
