// A learner's Docker sandbox end to end: their own Docker daemon pulling from the offline mirror,
// a published port, reattaching after an app restart, and work kept across stop/start.
import { proxySandboxPort } from '@/sandbox/drivers/docker/ports';
import { describeDocker, dockerCli, ensureTestImages, expectOk, testDriver, uniqueId, waitFor } from './helpers';

jest.setTimeout(20 * 60_000);

describeDocker('docker driver: one learner sandbox', () => {
  const driver = testDriver();
  const id = uniqueId('dd');

  beforeAll(async () => {
    await ensureTestImages();
  });
  afterAll(async () => {
    await driver.reset(id).catch(() => undefined);
    await driver.close();
  });

  it('starts a docker-profile sandbox where `docker run -d -p 8080:80 nginx` then curl works', async () => {
    const info = await driver.create({ id, userId: 'learner-a', profile: 'docker' });
    expect(info).toMatchObject({ id, state: 'running', profile: 'docker' });
    expectOk(await driver.exec(id, 'docker run -d --name web -p 8080:80 nginx', { timeoutMs: 300_000 }), 'docker run');
    const page = await waitFor('nginx to answer', async () => {
      const r = await driver.exec(id, 'curl -sf localhost:8080');
      return r.exitCode === 0 && r.stdout;
    });
    expect(page).toContain('Welcome to nginx!');
    // The image came from the mirror through the inner daemon, which has its own image store.
    expect(expectOk(await driver.exec(id, "docker images --format '{{.Repository}}:{{.Tag}}'"), 'docker images').stdout).toContain('nginx:latest');
  });

  it("opens the learner's published port through the web-ports proxy, only for their own running sandbox", async () => {
    const get = (port: number, path: string, sandbox = id) => proxySandboxPort(driver, sandbox, port, path, new Request(`http://localhost/api/sandbox-ports/${port}${path}`, { headers: { cookie: 'next-auth.session-token=secret' } }));
    const ok = await get(8080, '/');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Welcome to nginx!');
    const missing = await get(8080, '/nope?x=1');
    expect(missing.status).toBe(404);
    const closed = await get(9999, '/');
    expect(closed.status).toBe(502);
    expect(((await closed.json()) as { error: { message: string } }).error.message).toMatch(/nothing is listening on port 9999/);
    const other = await get(8080, '/', 'not-a-running-sandbox');
    expect(other.status).toBe(409);
  });

  it('passes exit codes and stderr through exec, and refuses unknown tags like Docker does', async () => {
    const r = await driver.exec(id, 'echo out; echo err >&2; exit 7');
    expect(r).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    const missing = await driver.exec(id, 'docker pull nginx:1.17.23', { timeoutMs: 120_000 });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toMatch(/registry-1\.docker\.io|manifest unknown|not found/);
    expect((await driver.exec(id, 'docker images -q nginx:1.17.23')).stdout).toBe('');
  });

  it('runs `docker compose` (the CLI plugin in front of docker-compose): version, up -d and down', async () => {
    const version = expectOk(await driver.exec(id, 'docker compose version'), 'docker compose version');
    expect(version.stdout).toMatch(/docker-compose version \d+\.\d+\.\d+/);
    // The CLI lists it as a plugin only when the metadata handshake answers valid JSON.
    expect(expectOk(await driver.exec(id, 'docker --help'), 'docker --help').stdout).toMatch(/^\s+compose\*?\s+Docker Compose/m);
    const compose = ['services:', '  app:', '    image: nginx', ''].join('\n');
    expectOk(await driver.exec(id, `mkdir -p ~/stack && cat > ~/stack/docker-compose.yml <<'EOF'\n${compose}EOF`), 'write the compose file');
    expectOk(await driver.exec(id, 'cd ~/stack && docker compose up -d', { timeoutMs: 300_000 }), 'docker compose up -d');
    const running = "docker ps -q --filter label=com.docker.compose.project=stack --filter label=com.docker.compose.service=app";
    expect(expectOk(await driver.exec(id, running), 'docker ps').stdout.trim()).not.toBe('');
    expectOk(await driver.exec(id, 'cd ~/stack && docker compose down', { timeoutMs: 120_000 }), 'docker compose down');
    expect(expectOk(await driver.exec(id, 'docker ps -aq --filter label=com.docker.compose.project=stack'), 'docker ps -a').stdout.trim()).toBe('');
  });

  it('is found again by a new driver instance (app restart): status, exec and an interactive terminal', async () => {
    const restarted = testDriver({ recordsDir: (driver as unknown as { records: { dir: string } }).records.dir });
    try {
      expect(await restarted.status(id)).toMatchObject({ id, state: 'running', userId: 'learner-a' });
      expect((await restarted.list()).map((s) => s.id)).toContain(id);
      expect(expectOk(await restarted.exec(id, 'docker ps --format {{.Names}}'), 'docker ps').stdout.trim()).toBe('web');
      const pty = await restarted.attach(id, { cols: 100, rows: 30 });
      let output = '';
      pty.onData((d) => (output += d));
      pty.write('echo "cols=$(tput cols)"; echo marker-$((6*7))\r');
      await waitFor('the shell to answer', async () => /marker-42/.test(output));
      pty.resize(120, 40);
      // The resize is asynchronous (an API call): ask until the shell sees it.
      await waitFor('the resize', async () => {
        pty.write('stty size\r');
        await new Promise((r) => setTimeout(r, 300));
        return /40 120/.test(output);
      });
      const exit = new Promise<number>((resolve) => pty.onExit(resolve));
      pty.write('exit 3\r');
      expect(await exit).toBe(3);
    } finally {
      await restarted.close();
    }
  });

  it('stopping keeps the learner work (home, inner images and containers); the next start resumes it', async () => {
    expectOk(await driver.exec(id, 'echo keep-me > ~/notes.txt'), 'write a file');
    await driver.stop(id);
    expect(await driver.status(id)).toMatchObject({ state: 'stopped' });
    expect(dockerCli(['ps', '-q', '--filter', `name=kubelab-sbx-${id}`])).toBe('');
    const again = await driver.create({ id, userId: 'learner-a', profile: 'docker' });
    expect(again.state).toBe('running');
    expect(expectOk(await driver.exec(id, 'cat ~/notes.txt'), 'read the file').stdout).toBe('keep-me\n');
    expect(expectOk(await driver.exec(id, "docker ps -a --format '{{.Names}}'; docker images -q nginx | wc -l"), 'inner state').stdout).toMatch(/^web\n1\n$/);
  });

  it('reset deletes the work and the volumes', async () => {
    await driver.reset(id);
    expect(await driver.status(id)).toBeUndefined();
    expect(dockerCli(['volume', 'ls', '-q', '--filter', `name=kubelab-sbx-${id}`])).toBe('');
  });
});
