import type { KubeObject } from '../targets';

interface ContainerStatus {
  ready?: boolean;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number }; running?: unknown };
}

export function isTerminating(pod: KubeObject): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

export function podIsReady(pod: KubeObject): boolean {
  const conditions = (pod.status?.conditions as { type: string; status: string }[] | undefined) ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The STATUS word `kubectl get pods` would show: a waiting/terminated reason, else the phase. */
export function podDisplayStatus(pod: KubeObject): string {
  if (isTerminating(pod)) return 'Terminating';
  const statuses = (pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? [];
  for (const s of statuses) {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (reason) return reason;
  }
  return String(pod.status?.phase ?? 'Pending');
}
