// Entry points used by cluster.ts: the controller manager and the admission hooks.
import type { AdmissionRegistry, ClusterContext } from '../context';
import { registerAdmissionHooks } from './admission';
import { CronJobController } from './cronjob';
import { DaemonSetController } from './daemonset';
import { DeploymentController } from './deployment/controller';
import { DisruptionController } from './disruption';
import { EndpointsController } from './endpoints';
import { GarbageCollector } from './garbage-collector';
import { HorizontalPodAutoscalerController } from './hpa';
import { JobController } from './job';
import { LoadBalancerController } from './load-balancer';
import { NamespaceController } from './namespace';
import { NodeMonitor } from './node-monitor';
import { NodeTaintController } from './node-taints';
import { PodGCController } from './pod-gc';
import { REPLICATION_CONTROLLER, ReplicaSetController } from './replicaset';
import { StatefulSetController } from './statefulset';
import { TaintEvictionController } from './taint-eviction';
import { VolumeController } from './volumes';

interface Controller {
  start(): void;
  stop(): void;
}

export function startControllers(ctx: ClusterContext): { stop(): void } {
  const controllers: Controller[] = [
    new GarbageCollector(ctx),
    new NodeTaintController(ctx),
    new NodeMonitor(ctx),
    new DeploymentController(ctx),
    new ReplicaSetController(ctx),
    new ReplicaSetController(ctx, REPLICATION_CONTROLLER),
    new EndpointsController(ctx),
    new LoadBalancerController(ctx),
    new DaemonSetController(ctx),
    new NamespaceController(ctx),
    new VolumeController(ctx),
    new StatefulSetController(ctx),
    new JobController(ctx),
    new CronJobController(ctx),
    new DisruptionController(ctx),
    new PodGCController(ctx),
    new TaintEvictionController(ctx),
    new HorizontalPodAutoscalerController(ctx),
  ];
  for (const c of controllers) c.start();
  return {
    stop() {
      for (const c of controllers) c.stop();
    },
  };
}

export function registerAdmission(admission: AdmissionRegistry, ctx: ClusterContext): void {
  void ctx;
  registerAdmissionHooks(admission);
}
