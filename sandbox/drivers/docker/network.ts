// Network isolation for Docker sandboxes. Each sandbox gets its own internal bridge network:
// no route out (so none to other sandboxes' networks or the Internet), and a host firewall rule
// drops anything a sandbox sends to the host itself (the platform's port, its database, the
// registry on loopback) except replies to connections the host opened (terminal proxy, ports proxy).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type Docker from 'dockerode';

const run = promisify(execFile);
/** Linux interface names of sandbox bridges start with this (iptables matches `kl-+`). */
export const BRIDGE_PREFIX = 'kl-';
export const LABEL = 'io.kubelab.sandbox';

export function bridgeName(networkName: string): string {
  return BRIDGE_PREFIX + createHash('sha256').update(networkName).digest('hex').slice(0, 12);
}

export async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<Docker.Network> {
  const network = docker.getNetwork(name);
  try {
    await network.inspect();
    return network;
  } catch {
    /* create below */
  }
  try {
    return await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      Internal: true,
      CheckDuplicate: true,
      Labels: { ...labels, [LABEL]: 'network' },
      Options: { 'com.docker.network.bridge.name': bridgeName(name), 'com.docker.network.bridge.enable_icc': 'true' },
    });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 409) return docker.getNetwork(name);
    throw err;
  }
}

export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getNetwork(name).remove();
  } catch {
    /* already gone or still in use by another sandbox component */
  }
}

let guardInstalled: Promise<void> | undefined;

/** Installs (once per process, idempotently) the INPUT rules that keep sandboxes away from host ports. */
export function ensureHostGuard(): Promise<void> {
  guardInstalled ??= (async () => {
    const rules: string[][] = [
      ['-i', `${BRIDGE_PREFIX}+`, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
      ['-i', `${BRIDGE_PREFIX}+`, '-j', 'DROP'],
    ];
    // Insert in reverse so that the ACCEPT ends up first.
    for (const rule of [...rules].reverse()) {
      try {
        await run('iptables', ['-w', '-C', 'INPUT', ...rule]);
      } catch {
        await run('iptables', ['-w', '-I', 'INPUT', '1', ...rule]);
      }
    }
  })().catch((err) => {
    guardInstalled = undefined;
    throw new Error(`could not install the sandbox firewall rules (iptables): ${err instanceof Error ? err.message : String(err)}`);
  });
  return guardInstalled;
}
