// What every control-plane component receives: the store, an event recorder, admission hooks
// and cluster-wide settings. Built once by cluster.ts.
import type { KubeObject, ResourceRef, Store } from './store/types';

export interface NodeSpecInput {
  name: string;
  /** Control-plane nodes get the `node-role.kubernetes.io/control-plane` label and NoSchedule taint. */
  controlPlane: boolean;
  internalIP: string;
}

export interface ClusterOptions {
  nodes: NodeSpecInput[];
  /** Service ClusterIP range, e.g. 10.96.0.0/12. */
  serviceCIDR: string;
  /** Pod network; each node gets a /24 from it (e.g. 172.16.0.0/16 like Calico in the notes). */
  podCIDR: string;
  /** Address pool for LoadBalancer services (MetalLB-like), e.g. 192.168.1.11-192.168.1.13. */
  loadBalancerPool: string;
  nodePortRange: { min: number; max: number };
  /** Pods each node accepts (kubelet's `--max-pods`, default 110). */
  maxPodsPerNode: number;
  /** Multiplies the simulated runtime's delays (image pull, container start). 0 = instant, for tests. */
  timeScale: number;
}

export type EventType = 'Normal' | 'Warning';

/** Optional event details (kubelets: the container as `spec.containers{nginx}`, and their node as source host). */
export interface EventDetails {
  /** `involvedObject.fieldPath`; kubectl describe prints it before the message. */
  fieldPath?: string;
  /** `source.host` / `reportingInstance`. */
  host?: string;
}

export interface EventRecorder {
  /**
   * Records a core/v1 Event about `involved` (like client-go's recorder: repeated identical events
   * bump `count` and `lastTimestamp` instead of creating new objects).
   */
  record(involved: KubeObject, type: EventType, reason: string, message: string, component: string, details?: EventDetails): void;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * A mutating/validating admission hook the API server runs before a write reaches the store
 * (e.g. allocating a Service's ClusterIP and NodePorts). Return the (possibly modified) object,
 * or throw a StatusError to reject the request.
 */
export type AdmissionHook = (op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined, ctx: ClusterContext) => KubeObject;

export interface AdmissionRegistry {
  register(ref: ResourceRef, hook: AdmissionHook): void;
  run(ref: ResourceRef, op: AdmissionOperation, obj: KubeObject, old: KubeObject | undefined): KubeObject;
}

export interface ClusterContext {
  store: Store;
  events: EventRecorder;
  admission: AdmissionRegistry;
  options: ClusterOptions;
  /** Current time; injectable for tests. */
  now(): Date;
}
