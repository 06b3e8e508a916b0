// The operator CLI: `kubelab sandbox up/exec/ls/down` against the docker driver.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describeDocker, ensureTestImages, uniqueId } from './helpers';

jest.setTimeout(10 * 60_000);

const cli = path.join(__dirname, '..', '..', '..', 'scripts', 'kubelab.js');
const kubelab = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, 'sandbox', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describeDocker('kubelab sandbox CLI', () => {
  const name = uniqueId('cli');

  beforeAll(async () => {
    await ensureTestImages();
  });
  afterAll(() => {
    kubelab('down', name, '--reset');
  });

  it('up returns when ready and prints the id; exec passes output and exit codes; ls lists; down stops', () => {
    const up = kubelab('up', '--name', name, '--profile', 'docker');
    expect(up).toMatchObject({ code: 0, stdout: `${name}\n` });
    expect(up.stderr).toMatch(/is ready \(docker, /);
    const exec = kubelab('exec', name, '--', 'sh', '-c', 'docker info --format "{{.Driver}}"; echo oops >&2; exit 4');
    expect(exec).toEqual({ code: 4, stdout: 'overlay2\n', stderr: 'oops\n' });
    expect(kubelab('exec', name, '--', 'echo', "it's quoted")).toMatchObject({ code: 0, stdout: "it's quoted\n" });
    expect(kubelab('ls').stdout).toMatch(new RegExp(`^${name}\\s+running\\s+docker\\s+operator:${name}`, 'm'));
    expect(kubelab('down', name)).toMatchObject({ code: 0 });
    expect(kubelab('ls').stdout).toMatch(new RegExp(`^${name}\\s+stopped`, 'm'));
  });

  it('rejects bad input with a reason and exit code 2', () => {
    expect(kubelab('up')).toMatchObject({ code: 2, stderr: expect.stringContaining('up needs --name NAME') });
    expect(kubelab('up', '--name', 'Bad_Name')).toMatchObject({ code: 2, stderr: expect.stringContaining('--name must be lowercase') });
    expect(kubelab('up', '--name', 'x', '--profile', 'nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('--profile must be one of') });
    expect(kubelab('exec', name)).toMatchObject({ code: 2 });
    expect(kubelab('down', 'no-such-sandbox-here')).toMatchObject({ code: 1, stderr: expect.stringContaining('no sandbox named') });
    expect(kubelab('build', 'no-such-image')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown image no-such-image') });
  });
});
