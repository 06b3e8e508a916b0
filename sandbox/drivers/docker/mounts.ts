// Read-only host files a sandbox container gets: the Node binary that runs the mini-cluster bundle
// baked into the sandbox image (sandbox/images/cluster-bundle.ts), and the vendored kubectl/helm.
// Nothing of the repository itself (no sources, no .env, no database, no secrets).
import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..', '..');

export function hostMounts(): string[] {
  const binds: string[] = [];
  const add = (source: string, target: string) => {
    if (existsSync(source)) binds.push(`${source}:${target}:ro`);
  };
  add(process.execPath, '/opt/kubelab/bin/node');
  add(path.join(repoRoot, '.kubelab', 'bin', 'kubectl'), '/opt/kubelab/bin/kubectl');
  add(path.join(repoRoot, '.kubelab', 'bin', 'helm'), '/opt/kubelab/bin/helm');
  return binds;
}
