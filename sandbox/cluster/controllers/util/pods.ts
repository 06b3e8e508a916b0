// Pod state predicates from k8s.io/kubernetes/pkg/api/v1/pod and controller_utils.
import type { KubeObject } from '../../store/types';
import { parseTime } from './meta';

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export function podSpec(pod: KubeObject): Record<string, any> {
  return (pod.spec ?? {}) as Record<string, any>;
}

export function podStatus(pod: KubeObject): Record<string, any> {
  return (pod.status ?? {}) as Record<string, any>;
}

export function podPhase(pod: KubeObject): string {
  return podStatus(pod).phase ?? 'Pending';
}

export function nodeNameOf(pod: KubeObject): string {
  return podSpec(pod).nodeName ?? '';
}

export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  return ((podStatus(pod).conditions ?? []) as PodCondition[]).find((c) => c.type === type);
}

export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = parseTime(c.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= nowMs;
}

/** Not terminal and not being deleted (controller.IsPodActive). */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp && podPhase(pod) !== 'Succeeded' && podPhase(pod) !== 'Failed';
}

export function podReadyTimeMs(pod: KubeObject): number | undefined {
  const c = podCondition(pod, 'Ready');
  return c?.status === 'True' ? parseTime(c.lastTransitionTime) : undefined;
}

export function maxContainerRestarts(pod: KubeObject): number {
  let max = 0;
  for (const cs of (podStatus(pod).containerStatuses ?? []) as { restartCount?: number }[]) {
    max = Math.max(max, cs.restartCount ?? 0);
  }
  return max;
}

/**
 * controller.GetPodFromTemplate: the pod a workload controller creates from its template
 * (labels, annotations, finalizers, spec; generateName `<owner>-` unless a name is given).
 */
export function podFromTemplate(template: Record<string, any>, namespace: string, ownerRef: import('../../store/types').OwnerReference, name?: { name?: string; generateName?: string }): KubeObject {
  const meta = (template.metadata ?? {}) as Record<string, any>;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      ...(name?.name ? { name: name.name } : { generateName: name?.generateName ?? `${ownerRef.name}-` }),
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [ownerRef],
    },
    spec: structuredClone(template.spec ?? {}),
  };
  return pod;
}
