// Starts the learner's own mini-cluster for the local driver.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface SandboxCluster {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

interface ClusterModule {
  startCluster(opts: { port?: number; dataDir?: string; kubeconfigPath?: string; timeScale?: number }): Promise<{ url: string; kubeconfigPath?: string; stop(): Promise<void> }>;
}

/**
 * The cluster is loaded with Node's own require at run time, never bundled by Next: it reads data
 * files (OpenAPI, protobuf descriptors) that live beside its sources.
 */
function loadClusterModule(): ClusterModule {
  const root = process.env.KUBELAB_ROOT ?? process.cwd();
  const modulePath = path.join(root, 'sandbox', 'cluster', 'cluster.ts');
  if (!existsSync(modulePath)) throw new Error(`no mini-cluster at ${modulePath} (set KUBELAB_ROOT to the kubelab checkout)`);
  const nodeRequire = eval('require') as NodeJS.Require;
  return nodeRequire(modulePath) as ClusterModule;
}

export async function startSandboxCluster(opts: { dataDir: string; kubeconfigPath: string; timeScale?: number }): Promise<SandboxCluster> {
  const cluster = await loadClusterModule().startCluster({ port: 0, dataDir: opts.dataDir, kubeconfigPath: opts.kubeconfigPath, timeScale: opts.timeScale });
  return { url: cluster.url, kubeconfigPath: cluster.kubeconfigPath ?? opts.kubeconfigPath, stop: () => cluster.stop() };
}
