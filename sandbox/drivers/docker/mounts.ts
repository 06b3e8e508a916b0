// Read-only host files a sandbox container gets: Node and the repository's mini-cluster code (so
// the cluster in every sandbox is exactly the platform's version, without a copy per image), and
// the vendored kubectl/helm. Nothing else of the repository (no .env, no database, no secrets).
import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..', '..');
const APP_PARTS = ['package.json', 'tsconfig.json', 'node_modules', 'sandbox', 'scripts'];

export function hostMounts(): string[] {
  const binds: string[] = [];
  const add = (source: string, target: string) => {
    if (existsSync(source)) binds.push(`${source}:${target}:ro`);
  };
  add(process.execPath, '/opt/kubelab/bin/node');
  add(path.join(repoRoot, '.kubelab', 'bin', 'kubectl'), '/opt/kubelab/bin/kubectl');
  add(path.join(repoRoot, '.kubelab', 'bin', 'helm'), '/opt/kubelab/bin/helm');
  for (const part of APP_PARTS) add(path.join(repoRoot, part), `/opt/kubelab/app/${part}`);
  return binds;
}
