// KubeReader through kubectl inside the sandbox, for clusters the server cannot reach directly (the
// Docker driver's mini-cluster listens inside the sandbox container). `kubectl get -o json` returns
// the API objects themselves, so the checks see what the Kubernetes API would return.
import { shellQuote } from '../checks/sandbox';
import type { KubeObject, KubeReader, SandboxRunner } from '../targets';
import { kindInfo } from './kinds';

const TIMEOUT_MS = 10_000;

/** `Deployment` + `apps/v1` → `deployments.v1.apps`; core kinds → `pods` (kubectl's resource.version.group). */
export function kubectlResource(kind: string, apiVersion?: string): string {
  const info = kindInfo(kind, apiVersion);
  const [group, version] = info.apiVersion.includes('/') ? info.apiVersion.split('/') : ['', info.apiVersion];
  return group ? `${kind.toLowerCase()}.${version}.${group}` : kind.toLowerCase();
}

export function kubeReaderViaKubectl(runner: SandboxRunner): KubeReader {
  async function kubectl(args: string[], what: string): Promise<unknown | undefined> {
    const r = await runner.exec(`kubectl ${args.map(shellQuote).join(' ')} -o json`, { timeoutMs: TIMEOUT_MS });
    if (r.exitCode !== 0) {
      if (/\(NotFound\)/.test(r.stderr)) return undefined;
      throw new Error(`Kubernetes API: ${what}: ${r.stderr.trim().split('\n').pop() || `kubectl exited with ${r.exitCode}`}`);
    }
    return JSON.parse(r.stdout) as unknown;
  }
  return {
    async get(kind, name, namespace, apiVersion) {
      const namespaced = kindInfo(kind, apiVersion).namespaced;
      return (await kubectl(['get', kubectlResource(kind, apiVersion), name, ...(namespaced ? ['-n', namespace ?? 'default'] : [])], `reading ${kind} ${name}`)) as KubeObject | undefined;
    },
    async list(kind, opts) {
      const namespaced = kindInfo(kind, opts.apiVersion).namespaced;
      const scope = namespaced ? (opts.namespace ? ['-n', opts.namespace] : ['--all-namespaces']) : [];
      const args = ['get', kubectlResource(kind, opts.apiVersion), ...scope, ...(opts.labelSelector ? ['-l', opts.labelSelector] : []), ...(opts.fieldSelector ? ['--field-selector', opts.fieldSelector] : [])];
      const list = (await kubectl(args, `listing ${kind}`)) as { items?: KubeObject[] } | undefined;
      return list?.items ?? [];
    },
  };
}
