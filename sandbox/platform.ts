// The process-wide sandbox manager, shared by server.ts (terminal WebSocket) and route handlers
// (which Next may load as separate module instances, hence globalThis).
import { existsSync } from 'node:fs';
import { config } from '../lib/config';
import type { SandboxDriver } from './driver';
import { DockerDriver } from './drivers/docker';
import { LocalDriver } from './drivers/local';
import { SandboxManager } from './manager';

const holder = globalThis as unknown as { kubelabSandboxes?: SandboxManager };

const dockerSocket = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
const say = (line: string) => process.stdout.write(`kubelab: ${line}\n`);

export function createDriver(): SandboxDriver {
  const cfg = config();
  if (cfg.sandboxDriver === 'docker') {
    if (existsSync(dockerSocket)) {
      const driver = new DockerDriver({ stateDir: cfg.stateDir, background: true, autoBuild: say });
      // The first start builds the sandbox and lesson images (a few minutes); later starts confirm them in seconds.
      void driver.prepare().catch(() => undefined);
      return driver;
    }
    const loopback = ['127.0.0.1', 'localhost', '::1'].includes(cfg.host);
    if (!loopback && !cfg.allowRemote) {
      throw new Error(`KUBELAB_SANDBOX_DRIVER=docker but Docker is not reachable at ${dockerSocket}, and the local driver would expose a host shell on ${cfg.host}. Install and start Docker (bash scripts/install-system-deps.sh), or set HOST=127.0.0.1.`);
    }
    say(`Docker is not reachable at ${dockerSocket}: using the local sandbox driver. To enable Docker sandboxes, run "bash scripts/install-system-deps.sh" (installs docker.io and starts dockerd) and restart.`);
  } else if (existsSync(dockerSocket) && !process.env.JEST_WORKER_ID) {
    say('Docker is available: set KUBELAB_SANDBOX_DRIVER=docker for isolated per-learner sandboxes (own Docker daemon and cluster).');
  }
  return new LocalDriver({ stateDir: cfg.stateDir, clusterTimeScale: process.env.KUBELAB_CLUSTER_TIMESCALE ? Number(process.env.KUBELAB_CLUSTER_TIMESCALE) : undefined });
}

export function sandboxManager(): SandboxManager {
  holder.kubelabSandboxes ??= new SandboxManager(createDriver(), { idleTimeoutMs: Number(process.env.KUBELAB_IDLE_TIMEOUT_MS ?? 60 * 60 * 1000) });
  return holder.kubelabSandboxes;
}
