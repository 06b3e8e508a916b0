// The process-wide sandbox manager, shared by server.ts (terminal WebSocket) and route handlers
// (which Next may load as separate module instances, hence globalThis).
import { config } from '../lib/config';
import type { SandboxDriver } from './driver';
import { DockerDriver } from './drivers/docker';
import { LocalDriver } from './drivers/local';
import { SandboxManager } from './manager';

const holder = globalThis as unknown as { kubelabSandboxes?: SandboxManager };

export function createDriver(): SandboxDriver {
  const cfg = config();
  if (cfg.sandboxDriver === 'docker') return new DockerDriver({ stateDir: cfg.stateDir, background: true });
  return new LocalDriver({ stateDir: cfg.stateDir, clusterTimeScale: process.env.KUBELAB_CLUSTER_TIMESCALE ? Number(process.env.KUBELAB_CLUSTER_TIMESCALE) : undefined });
}

export function sandboxManager(): SandboxManager {
  holder.kubelabSandboxes ??= new SandboxManager(createDriver(), { idleTimeoutMs: Number(process.env.KUBELAB_IDLE_TIMEOUT_MS ?? 60 * 60 * 1000) });
  return holder.kubelabSandboxes;
}
