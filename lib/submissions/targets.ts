// Connects the grader to one learner's sandbox: the Kubernetes API through its kubeconfig, the Docker
// Engine API of its daemon, and the driver's exec for sandbox checks. Readers are cached per sandbox
// so repeated gradings reuse HTTP connections (grading latency is dominated by round trips).
import Docker from 'dockerode';
import { statSync } from 'node:fs';
import { dockerReader } from '../grader/sources/docker-client';
import { dockerReaderViaCli } from '../grader/sources/docker-cli';
import { kubeReaderFromKubeconfig } from '../grader/sources/kube-client';
import { kubeReaderViaKubectl } from '../grader/sources/kubectl';
import type { DockerReader, GradingTargets, KubeReader, SandboxRunner } from '../grader/targets';

/** The part of a sandbox the grader needs (sandbox/driver.ts SandboxInfo + driver.exec). */
export interface GradableSandbox {
  id: string;
  /** The sandbox profile; a kubernetes/full sandbox without a reachable kubeconfig is read through kubectl inside it. */
  profile?: string;
  kubeconfigPath?: string;
  dockerHost?: string;
  exec(command: string, opts: { timeoutMs: number }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

const MAX_CACHED = 256;
const kubeCache = new Map<string, { key: string; reader: KubeReader }>();
const dockerCache = new Map<string, { key: string; reader: DockerReader }>();

function remember<T>(cache: Map<string, { key: string; reader: T }>, id: string, key: string, make: () => T): T {
  const hit = cache.get(id);
  if (hit && hit.key === key) return hit.reader;
  const reader = make();
  cache.delete(id);
  cache.set(id, { key, reader });
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return reader;
}

export function targetsFor(sandbox: GradableSandbox): GradingTargets {
  const runner: SandboxRunner = { exec: (command, opts) => sandbox.exec(command, opts) };
  const targets: GradingTargets = { sandbox: runner };
  if (sandbox.kubeconfigPath) {
    const path = sandbox.kubeconfigPath;
    // The kubeconfig changes when the cluster restarts on a new port: key the cache on its mtime.
    const key = `${path}@${mtimeOf(path)}`;
    targets.kube = remember(kubeCache, sandbox.id, key, () => kubeReaderFromKubeconfig(path));
  } else if (sandbox.profile === 'kubernetes' || sandbox.profile === 'full') {
    targets.kube = kubeReaderViaKubectl(runner);
  }
  if (sandbox.dockerHost) targets.docker = remember(dockerCache, sandbox.id, sandbox.dockerHost, () => dockerReaderFor(sandbox.dockerHost!, runner));
  return targets;
}

/**
 * `unix:///path` and `tcp://host:port` are reached with dockerode. `container:NAME` (the Docker
 * driver's daemon runs inside the sandbox container, with no socket on the host) is read with the
 * docker CLI inside the sandbox, whose `inspect` output is the Engine API's JSON.
 */
export function dockerReaderFor(host: string, runner: SandboxRunner): DockerReader {
  if (host.startsWith('container:')) return dockerReaderViaCli(runner);
  if (host.startsWith('unix://')) return dockerReader(new Docker({ socketPath: host.slice('unix://'.length) }));
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return dockerReader(new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' }));
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
