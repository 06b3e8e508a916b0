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

/** Small subnets for sandbox networks (Docker's default pool runs out after ~30 /16 networks). */
const SUBNET_POOL = process.env.KUBELAB_SANDBOX_SUBNET_POOL ?? '10.213.0.0/16';

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The first /28 of the pool that no existing Docker network uses. */
async function freeSubnet(docker: Docker): Promise<{ Subnet: string; Gateway: string }> {
  const [base, bits] = SUBNET_POOL.split('/');
  const start = ipToInt(base);
  const size = 2 ** (32 - Number(bits));
  const used = new Set<number>();
  for (const n of await docker.listNetworks()) for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.add(ipToInt(c.Subnet.split('/')[0]));
  // Start at a random /28 so that sandboxes created at the same moment rarely pick the same one.
  const slots = size / 16;
  const first = Math.floor(Math.random() * slots);
  for (let k = 0; k < slots; k++) {
    const offset = ((first + k) % slots) * 16;
    if (!used.has(start + offset)) return { Subnet: `${intToIp(start + offset)}/28`, Gateway: intToIp(start + offset + 1) };
  }
  throw new Error(`no free sandbox subnet left in ${SUBNET_POOL} (set KUBELAB_SANDBOX_SUBNET_POOL to a larger range)`);
}

export async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<Docker.Network> {
  const network = docker.getNetwork(name);
  try {
    await network.inspect();
    return network;
  } catch {
    /* create below */
  }
  // Two sandboxes starting at once may pick the same free subnet: the loser retries with the next one.
  for (let attempt = 0; ; attempt++) {
    try {
      return await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Internal: true,
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [await freeSubnet(docker)] },
        Labels: { ...labels, [LABEL]: 'network' },
        Options: { 'com.docker.network.bridge.name': bridgeName(name), 'com.docker.network.bridge.enable_icc': 'true' },
      });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 409) return docker.getNetwork(name);
      if (attempt < 8 && /overlap/i.test(String((err as Error).message))) {
        // The other creation holds the pool before it is listed: wait a moment before looking again.
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
        continue;
      }
      throw err;
    }
  }
}

export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  const network = docker.getNetwork(name);
  try {
    // The mirror is attached to every sandbox network; detach it (and anything left) first.
    const info = (await network.inspect()) as { Containers?: Record<string, unknown> };
    for (const id of Object.keys(info.Containers ?? {})) await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
    await network.remove();
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
