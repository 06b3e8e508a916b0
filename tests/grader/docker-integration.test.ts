// Docker checks against the machine's real Docker daemon, through both readers: the Engine API
// (dockerode, used when the server can reach the daemon) and the docker CLI inside the sandbox
// (used for the Docker driver, whose daemon lives in the sandbox container). Both must agree.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { gradeChecks } from '@/lib/grader/engine';
import { checkSchema } from '@/lib/grader/schema';
import { dockerReader } from '@/lib/grader/sources/docker-client';
import { dockerReaderViaCli } from '@/lib/grader/sources/docker-cli';
import type { DockerReader, SandboxRunner } from '@/lib/grader/targets';
import { freePort } from '../support/platform-server';

const run = promisify(execFile);
const hasDocker = existsSync('/var/run/docker.sock');
const BASE_IMAGE = 'python:slim';
const id = `kgt${process.pid}`;
const names = { container: `${id}-web`, other: `${id}-stopped`, volume: `${id}-data`, network: `${id}-net`, image: `${id}-img:v2` };

const shell: SandboxRunner = {
  async exec(command, opts) {
    try {
      const r = await run('bash', ['-c', command], { timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024 });
      return { exitCode: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { exitCode: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  },
};

let port = 0;
let imagePresent = false;

(hasDocker ? describe : describe.skip)('Docker checks against the real daemon', () => {
  beforeAll(async () => {
    imagePresent = (await shell.exec(`docker image inspect ${BASE_IMAGE}`, { timeoutMs: 30_000 })).exitCode === 0;
    if (!imagePresent) return;
    port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-docker-grade-'));
    writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nARG VERSION=1\nRUN echo "$VERSION" > /version\nENV APP_ENV=prod\nENTRYPOINT ["python3", "-m", "http.server"]\nCMD ["8000"]\n`);
    const steps = [
      `docker build -q --build-arg VERSION=2.5 -t ${names.image} ${dir}`,
      `docker network create ${names.network}`,
      `docker volume create ${names.volume}`,
      `docker run -d --name ${names.container} --network ${names.network} -p 127.0.0.1:${port}:8000 -e GREETING=hello -v ${names.volume}:/data ${names.image}`,
      `docker create --name ${names.other} ${BASE_IMAGE} true`,
    ];
    for (const s of steps) {
      const r = await shell.exec(s, { timeoutMs: 120_000 });
      if (r.exitCode !== 0) throw new Error(`${s}: ${r.stderr}`);
    }
  }, 180_000);

  afterAll(async () => {
    await shell.exec(`docker rm -f ${names.container} ${names.other}; docker volume rm ${names.volume}; docker network rm ${names.network}; docker rmi ${names.image}`, { timeoutMs: 60_000 });
  }, 60_000);

  const readers: [string, () => DockerReader][] = [
    ['Engine API (dockerode)', () => dockerReader(new Docker({ socketPath: '/var/run/docker.sock' }))],
    ['docker CLI in the sandbox', () => dockerReaderViaCli(shell)],
  ];

  it.each(readers)('%s: passing and failing checks with their findings', async (_label, make) => {
    if (!imagePresent) throw new Error(`image ${BASE_IMAGE} is missing: run \`kubelab sandbox build\` or load it into the local daemon`);
    const checks = [
      { id: 'running', type: 'docker.container', name: names.container, image: names.image, running: true, ports: [{ container: 8000, host: port }], env: { GREETING: 'hello' }, mounts: [{ destination: '/data', type: 'volume', source: names.volume }], networks: [names.network] },
      { id: 'count', type: 'docker.containerCount', image: names.image, running: true, count: 1 },
      { id: 'image', type: 'docker.image', name: names.image, entrypoint: 'python3 -m http.server', cmd: '8000', env: { APP_ENV: 'prod' }, buildArgs: { VERSION: '2.5' } },
      { id: 'volume', type: 'docker.volume', name: names.volume },
      { id: 'network', type: 'docker.network', name: names.network, containers: [names.container] },
      { id: 'stopped', type: 'docker.container', name: names.other, running: false },
    ].map((c) => checkSchema.parse(c));
    const ok = await gradeChecks(checks, { docker: make() });
    expect(ok.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)).toEqual([]);

    const bad = [
      { id: 'port', type: 'docker.container', name: names.container, ports: [{ container: 8000, host: 1 }] },
      { id: 'env', type: 'docker.container', name: names.container, env: { GREETING: 'bye' } },
      { id: 'arg', type: 'docker.image', name: names.image, buildArgs: { VERSION: '3' } },
      { id: 'no-image', type: 'docker.image', name: `${id}-img:none` },
      { id: 'no-volume', type: 'docker.volume', name: `${id}-nothing` },
      { id: 'no-network', type: 'docker.network', name: `${id}-nothing` },
      { id: 'stopped-running', type: 'docker.container', name: names.other, running: true },
    ].map((c) => checkSchema.parse(c));
    const failed = await gradeChecks(bad, { docker: make() });
    const by = Object.fromEntries(failed.checks.map((c) => [c.id, c]));
    expect(failed.checks.every((c) => !c.passed && !c.error)).toBe(true);
    expect(by['no-image'].message).toBe(`Expected image ${id}-img:none to exist, found it does not exist`);
    expect(by['no-volume'].message).toBe(`Expected volume ${id}-nothing to exist, found it does not exist`);
    expect(by['arg'].found).toContain('VERSION');
    expect(by['port'].found).toContain(String(port));
    expect(by['env'].found).toContain('hello');
  }, 60_000);
});
