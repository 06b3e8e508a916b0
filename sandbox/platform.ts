// The process-wide sandbox manager, shared by server.ts (terminal WebSocket) and route handlers
// (which Next may load as separate module instances, hence globalThis).
import { config } from '../lib/config';
import type { SandboxDriver } from './driver';
import { LocalDriver } from './drivers/local';
import { SandboxManager } from './manager';

const holder = globalThis as unknown as { kubelabSandboxes?: SandboxManager };

export function createDriver(): SandboxDriver {
  const cfg = config();
  if (cfg.sandboxDriver === 'docker') throw new Error('KUBELAB_SANDBOX_DRIVER=docker: the Docker sandbox driver is not available in this build yet; use the local driver');
  return new LocalDriver({ stateDir: cfg.stateDir, clusterTimeScale: process.env.KUBELAB_CLUSTER_TIMESCALE ? Number(process.env.KUBELAB_CLUSTER_TIMESCALE) : undefined });
}

export function sandboxManager(): SandboxManager {
  holder.kubelabSandboxes ??= new SandboxManager(createDriver(), { idleTimeoutMs: Number(process.env.KUBELAB_IDLE_TIMEOUT_MS ?? 60 * 60 * 1000) });
  return holder.kubelabSandboxes;
}
