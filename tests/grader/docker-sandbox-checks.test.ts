import { gradeChecks } from '@/lib/grader/engine';
import { checkSchema, type Check } from '@/lib/grader/schema';
import { buildArgs } from '@/lib/grader/checks/docker';
import type { DockerReader, SandboxRunner } from '@/lib/grader/targets';
import { container, fixtureDocker, fixtureSandbox } from './fixtures';

const parse = (raw: Record<string, unknown>): Check => checkSchema.parse(raw);
async function gradeDocker(raw: Record<string, unknown>, docker: DockerReader) {
  return (await gradeChecks([parse(raw)], { docker })).checks[0];
}
async function gradeSandbox(raw: Record<string, unknown>, sandbox: SandboxRunner) {
  return (await gradeChecks([parse(raw)], { sandbox })).checks[0];
}

describe('docker.container', () => {
  const docker = fixtureDocker({
    containers: [
      container('web', { image: 'nginx:1.25', ports: { '80/tcp': '8080' }, env: ['MODE=prod'], networks: ['appnet'], mounts: [{ Type: 'volume', Name: 'html', Destination: '/usr/share/nginx/html' }] }),
      container('old', { image: 'busybox', running: false }),
    ],
  });
  it('passes when a container matches every fact', async () => {
    const r = await gradeDocker(
      { type: 'docker.container', name: 'web', image: { matches: '^nginx' }, ports: [{ container: 80, host: 8080 }], env: { MODE: 'prod' }, networks: ['appnet'], mounts: [{ destination: '/usr/share/nginx/html', type: 'volume', source: 'html' }] },
      docker,
    );
    expect(r.passed).toBe(true);
  });
  it('says which fact is wrong', async () => {
    const r = await gradeDocker({ type: 'docker.container', name: 'web', ports: [{ container: 80, host: 9090 }] }, docker);
    expect(r.message).toBe('Expected a running container named "web" publishing 9090->80/tcp, found container web: port 80/tcp is published on 8080, not 9090');
    const stopped = await gradeDocker({ type: 'docker.container', name: 'old' }, docker);
    expect(stopped.found).toBe('container old: is exited');
    const missing = await gradeDocker({ type: 'docker.container', image: 'redis' }, docker);
    expect(missing.found).toBe('no container from image "redis"');
    const mount = await gradeDocker({ type: 'docker.container', name: 'web', mounts: [{ destination: '/data', type: 'bind' }] }, docker);
    expect(mount.found).toBe('container web: nothing is mounted at /data');
  });
  it('counts containers', async () => {
    expect((await gradeDocker({ type: 'docker.containerCount', running: true, count: 1 }, docker)).passed).toBe(true);
    const r = await gradeDocker({ type: 'docker.containerCount', image: { matches: 'busybox' }, count: { gte: 2 } }, docker);
    expect(r.message).toBe('Expected at least 2 containers from image matching /busybox/, found 1 (old)');
  });
});

describe('docker.image, volume, network', () => {
  const docker = fixtureDocker({
    images: {
      'myapp:1.0': {
        Id: 'sha256:abc',
        RepoTags: ['myapp:1.0'],
        Config: { Entrypoint: ['python3', 'app.py'], Cmd: ['--port', '8000'], Env: ['APP_ENV=dev'], User: 'app' },
        history: [{ CreatedBy: '|2 VERSION=1.0 GREETING="hello world" /bin/sh -c echo $VERSION > /version' }, { CreatedBy: '/bin/sh -c #(nop) CMD ["--port" "8000"]' }],
      },
    },
    volumes: ['html'],
    networks: [{ Name: 'appnet', Containers: { a: { Name: 'web' } } }],
  });
  it('reads entrypoint, cmd, user, env and build args', async () => {
    const r = await gradeDocker({ type: 'docker.image', name: 'myapp:1.0', entrypoint: 'python3 app.py', cmd: { contains: '8000' }, user: 'app', env: { APP_ENV: 'dev' }, buildArgs: { VERSION: '1.0', GREETING: 'hello world' } }, docker);
    expect(r.passed).toBe(true);
    const bad = await gradeDocker({ type: 'docker.image', name: 'myapp:1.0', user: 'root', buildArgs: { PORT: '80' } }, docker);
    expect(bad.found).toBe('USER is "app"; build arg PORT was not used by any RUN step');
    expect((await gradeDocker({ type: 'docker.image', name: 'myapp:2.0' }, docker)).message).toBe('Expected image myapp:2.0 to exist, found it does not exist');
    expect((await gradeDocker({ type: 'docker.image', name: 'myapp:2.0', exists: false }, docker)).passed).toBe(true);
  });
  it('parses build args from history lines of both builders', () => {
    expect(buildArgs(['RUN |1 NAME=x /bin/sh -c true', '/bin/sh -c #(nop) ARG NAME'])).toEqual({ NAME: 'x' });
  });
  it('volumes and networks', async () => {
    expect((await gradeDocker({ type: 'docker.volume', name: 'html' }, docker)).passed).toBe(true);
    expect((await gradeDocker({ type: 'docker.volume', name: 'data' }, docker)).message).toBe('Expected volume data to exist, found it does not exist');
    expect((await gradeDocker({ type: 'docker.network', name: 'appnet', containers: ['web'] }, docker)).passed).toBe(true);
    expect((await gradeDocker({ type: 'docker.network', name: 'appnet', containers: ['web', 'db'] }, docker)).found).toBe('attached: web; missing db');
  });
});

describe('sandbox checks', () => {
  it('sandbox.command asserts exit code and output', async () => {
    const sandbox = fixtureSandbox((cmd) => (cmd.startsWith('curl') ? { exitCode: 0, stdout: 'Welcome to nginx!\n' } : { exitCode: 7, stderr: 'connection refused' }));
    expect((await gradeSandbox({ type: 'sandbox.command', run: 'curl -s localhost:30080', stdout: { contains: 'Welcome to nginx' } }, sandbox)).passed).toBe(true);
    const r = await gradeSandbox({ type: 'sandbox.command', run: 'wget -qO- localhost:8080' }, sandbox);
    expect(r.message).toBe('Expected `wget -qO- localhost:8080` to exit with 0, found exit code 7, stderr "connection refused"');
  });
  it('sandbox.file reads a file relative to the home directory', async () => {
    const sandbox = fixtureSandbox((cmd) => (cmd.includes("'./index.html'") ? { exitCode: 0, stdout: '<h1>hi</h1>\n' } : { exitCode: 3 }));
    expect((await gradeSandbox({ type: 'sandbox.file', path: 'index.html', content: { contains: '<h1>' } }, sandbox)).passed).toBe(true);
    expect((await gradeSandbox({ type: 'sandbox.file', path: 'missing.txt' }, sandbox)).message).toBe('Expected file missing.txt to exist, found it does not exist');
    expect((await gradeSandbox({ type: 'sandbox.file', path: 'missing.txt', exists: false }, sandbox)).passed).toBe(true);
  });
});
