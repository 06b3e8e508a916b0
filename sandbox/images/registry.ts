// The offline image mirror: Debian's `docker-registry` (distribution 2.8) on loopback, no auth.
// Sandbox daemons use it as `registry-mirrors` + `insecure-registries`, so `docker pull nginx` works
// without any outside registry.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryOptions {
  /** Where blobs, the config and the pid file live. */
  dataDir: string;
  host?: string;
  port?: number;
}

export interface RegistryHandle {
  address: string;
  url: string;
  pid: number;
}

export function registryConfig(storageDir: string, listen: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${listen}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    '',
  ].join('\n');
}

async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts the registry unless one already answers on the address; returns where it listens. */
export async function ensureRegistry(opts: RegistryOptions): Promise<RegistryHandle> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 5000;
  const address = `${host}:${port}`;
  const url = `http://${address}`;
  const pidFile = path.join(opts.dataDir, 'registry.pid');
  if (await ping(url)) {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    return { address, url, pid };
  }
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(`${REGISTRY_BINARY} is missing: install it with "apt-get install -y docker-registry" (scripts/install-system-deps.sh does)`);
  }
  mkdirSync(path.join(opts.dataDir, 'storage'), { recursive: true });
  const configPath = path.join(opts.dataDir, 'config.yml');
  writeFileSync(configPath, registryConfig(path.join(opts.dataDir, 'storage'), address));
  const log = openSync(path.join(opts.dataDir, 'registry.log'), 'a');
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  for (let i = 0; i < 50; i++) {
    if (await ping(url)) return { address, url, pid: child.pid ?? 0 };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the image registry did not start on ${address}; see ${path.join(opts.dataDir, 'registry.log')}`);
}

/** Tags present in the mirror for a repository (`library/nginx`), empty when unknown. */
export async function registryTags(url: string, repository: string): Promise<string[]> {
  const res = await fetch(`${url}/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`registry answered ${res.status} for ${repository}`);
  const body = (await res.json()) as { tags?: string[] | null };
  return body.tags ?? [];
}

/** The path a repository has in the mirror: official images live under `library/`, like Docker Hub. */
export function mirrorRepository(repository: string): string {
  return repository.includes('/') ? repository : `library/${repository}`;
}
