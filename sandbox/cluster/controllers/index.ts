// Entry points used by cluster.ts: the controller manager and the admission hooks.
import type { AdmissionRegistry, ClusterContext } from '../context';
import { DeploymentController } from './deployment/controller';
import { GarbageCollector } from './garbage-collector';
import { NodeTaintController } from './node-taints';
import { ReplicaSetController } from './replicaset';

interface Controller {
  start(): void;
  stop(): void;
}

export function startControllers(ctx: ClusterContext): { stop(): void } {
  const controllers: Controller[] = [
    new GarbageCollector(ctx),
    new NodeTaintController(ctx),
    new DeploymentController(ctx),
    new ReplicaSetController(ctx),
  ];
  for (const c of controllers) c.start();
  return {
    stop() {
      for (const c of controllers) c.stop();
    },
  };
}

export function registerAdmission(admission: AdmissionRegistry, ctx: ClusterContext): void {
  void admission;
  void ctx;
}
