// `exists: false` Docker checks read through the docker CLI inside a sandbox (the Docker driver's
// daemon has no socket on the host). Missing objects are reported differently by different docker
// CLI versions; the Debian 20.10 client in the sandbox image says "Error: No such network: X",
// which used to make `docker.network exists: false` fail with "could not read the sandbox state"
// instead of passing. A stub `docker` on PATH replays each client's exact wording.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gradeChecks } from '@/lib/grader/engine';
import { checkSchema } from '@/lib/grader/schema';
import { dockerReaderViaCli } from '@/lib/grader/sources/docker-cli';
import type { SandboxRunner } from '@/lib/grader/targets';

/** What `docker <kind> inspect NAME` prints on stderr for a missing object, per client. */
const wording = {
  'debian-20.10 (sandbox image)': {
    network: 'Error: No such network: $name',
    image: 'Error: No such image: $name',
    volume: 'Error: No such volume: $name',
  },
  'docker 28': {
    network: 'Error response from daemon: network $name not found',
    image: 'Error response from daemon: no such image: $name: No such image: $name',
    volume: 'Error response from daemon: get $name: no such volume',
  },
} as const;

/** A shell runner whose `docker` is a stub: present objects print `[{"Name":…}]`, missing ones the given wording. */
function stubbedSandbox(messages: { network: string; image: string; volume: string } | 'daemon-down', present: string[] = []): SandboxRunner {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-docker-stub-'));
  const missing =
    messages === 'daemon-down'
      ? `echo "[]"; echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1`
      : `echo "[]"; case "$kind" in network) echo "${messages.network}" >&2;; image) echo "${messages.image}" >&2;; volume) echo "${messages.volume}" >&2;; esac; exit 1`;
  const script = `#!/bin/bash
kind=$1; name=$3
case " ${present.join(' ')} " in *" $name "*) echo "[{\\"Name\\":\\"$name\\",\\"Id\\":\\"x\\",\\"Containers\\":{}}]"; exit 0;; esac
if [ "$1 $2" = "history --no-trunc" ]; then exit 0; fi
${missing}
`;
  writeFileSync(path.join(dir, 'docker'), script);
  chmodSync(path.join(dir, 'docker'), 0o755);
  return {
    exec: (command, opts) =>
      new Promise((resolve) => {
        execFile('bash', ['-c', command], { timeout: opts.timeoutMs, env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } }, (err, stdout, stderr) => {
          resolve({ exitCode: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        });
      }),
  };
}

async function grade(raw: Record<string, unknown>, sandbox: SandboxRunner) {
  const result = await gradeChecks([checkSchema.parse(raw)], { docker: dockerReaderViaCli(sandbox), sandbox }, { deadlineMs: 15_000 });
  return result.checks[0];
}

describe.each(Object.entries(wording))('docker CLI %s', (_client, messages) => {
  const sandbox = stubbedSandbox(messages, ['appnet', 'html', 'myapp:1.0']);

  it.each(['network', 'volume', 'image'] as const)('docker.%s exists:false passes when it is absent and fails when present', async (kind) => {
    const absent = await grade({ type: `docker.${kind}`, name: `gone-${kind}`, exists: false }, sandbox);
    expect(absent).toMatchObject({ passed: true, found: 'it does not exist' });
    expect(absent.error).toBeUndefined();
    const presentName = { network: 'appnet', volume: 'html', image: 'myapp:1.0' }[kind];
    const present = await grade({ type: `docker.${kind}`, name: presentName, exists: false }, sandbox);
    expect(present).toMatchObject({ passed: false, found: 'it exists' });
  });

  it.each(['network', 'volume', 'image'] as const)('docker.%s (exists by default) fails with "does not exist", not an error', async (kind) => {
    const r = await grade({ type: `docker.${kind}`, name: `gone-${kind}` }, sandbox);
    expect(r).toMatchObject({ passed: false, found: 'it does not exist' });
    expect(r.error).toBeUndefined();
  });
});

describe('an unreachable daemon', () => {
  const sandbox = stubbedSandbox('daemon-down');
  it.each(['network', 'volume', 'image'] as const)('never passes docker.%s exists:false', async (kind) => {
    const r = await grade({ type: `docker.${kind}`, name: 'anything', exists: false }, sandbox);
    expect(r.passed).toBe(false);
    expect(r.error).toMatch(new RegExp(`^could not read the sandbox state: Docker: inspecting ${kind} anything: Cannot connect to the Docker daemon`));
  });
});
