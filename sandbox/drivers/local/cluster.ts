// Starts the learner's own mini-cluster for the local driver, if the cluster module is present.
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

const clusterModulePath = path.join(__dirname, '..', '..', 'cluster', 'cluster.ts');

export async function startSandboxCluster(opts: { dataDir: string; kubeconfigPath: string; timeScale?: number }): Promise<SandboxCluster> {
  if (!existsSync(clusterModulePath)) throw new Error('this build has no mini-cluster (sandbox/cluster/cluster.ts is missing)');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(clusterModulePath) as ClusterModule;
  const cluster = await mod.startCluster({ port: 0, dataDir: opts.dataDir, kubeconfigPath: opts.kubeconfigPath, timeScale: opts.timeScale });
  return { url: cluster.url, kubeconfigPath: cluster.kubeconfigPath ?? opts.kubeconfigPath, stop: () => cluster.stop() };
}
