// Builds a pod's `status` from the kubelet's view of its containers, the way the kubelet's
// status manager does: phase, conditions, container statuses, IPs and start time.
import type { KubeObject } from '../store/types';
import type { ContainerExit, ImageInfo } from './runtime';
import type { ContainerSpec } from './pod-worker';
import { apiTime, jsonEqual } from './time';

export interface ContainerRecord {
  name: string;
  init: boolean;
  spec: ContainerSpec;
  specHash: string;
  restartCount: number;
  current?: { id: string; startedAt: Date; exit?: ContainerExit; ready: boolean; started: boolean };
  last?: { id: string; exit: ContainerExit };
  waiting?: { reason: string; message?: string };
  imageInfo?: ImageInfo;
  crashBackoffMs?: number;
  imageBackoff?: { durationMs: number; until: number; lastError: string };
  backoffTimer?: NodeJS.Timeout;
  skipBackoffOnce?: boolean;
  lastBackoffEvent?: { window: number; at: number };
}

export interface PodStatusInput {
  pod: KubeObject;
  records: Map<string, ContainerRecord>;
  hostIP: string;
  podIP?: string;
  startTime?: Date;
  terminalPhase?: 'Succeeded' | 'Failed';
  /** status.reason / status.message of a pod the kubelet failed (e.g. DeadlineExceeded). */
  terminalReason?: { reason: string; message: string };
  now: Date;
  /** Runtime scheme for container IDs (`containerd`). */
  scheme?: string;
}

/** An init container with `restartPolicy: Always` (a sidecar, Kubernetes 1.29+). */
export function isSidecar(c: { restartPolicy?: string }): boolean {
  return c.restartPolicy === 'Always';
}


function terminated(exit: ContainerExit, id: string, scheme: string): Record<string, unknown> {
  return {
    exitCode: exit.exitCode,
    ...(exit.signal ? { signal: exit.signal } : {}),
    reason: exit.reason,
    ...(exit.message ? { message: exit.message } : {}),
    startedAt: apiTime(exit.startedAt),
    finishedAt: apiTime(exit.finishedAt),
    containerID: `${scheme}://${id}`,
  };
}

function containerStatus(r: ContainerRecord, scheme: string, defaultWaiting: string, terminal: boolean): Record<string, unknown> {
  const c = r.current;
  let state: Record<string, unknown>;
  let lastState: Record<string, unknown> = {};
  if (c && !c.exit) state = { running: { startedAt: apiTime(c.startedAt) } };
  else if (c?.exit && !r.waiting) state = { terminated: terminated(c.exit, c.id, scheme) };
  else state = { waiting: r.waiting ? { reason: r.waiting.reason, ...(r.waiting.message ? { message: r.waiting.message } : {}) } : { reason: defaultWaiting } };
  if (c?.exit && r.waiting) lastState = { terminated: terminated(c.exit, c.id, scheme) };
  else if (r.last) lastState = { terminated: terminated(r.last.exit, r.last.id, scheme) };
  if (terminal && state.waiting && c?.exit) state = { terminated: terminated(c.exit, c.id, scheme) };
  const image = r.imageInfo?.imageRef ?? r.spec.image ?? '';
  const status: Record<string, unknown> = {
    name: r.name,
    state,
    lastState,
    ready: !!c && !c.exit && c.ready,
    restartCount: r.restartCount,
    image,
    imageID: r.imageInfo?.imageID ?? '',
  };
  if (c) status.containerID = `${scheme}://${c.id}`;
  status.started = !!c && !c.exit && c.started;
  return status;
}

function phaseOf(pod: KubeObject, records: Map<string, ContainerRecord>, terminalPhase?: string): string {
  if (terminalPhase) return terminalPhase;
  const spec = pod.spec as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; restartPolicy?: string };
  const policy = spec.restartPolicy ?? 'Always';
  for (const c of spec.initContainers ?? []) {
    const r = records.get(c.name);
    if (isSidecar(c)) {
      if (!r?.current && !r?.last) return 'Pending';
      continue;
    }
    const exit = r?.current?.exit;
    if (exit && exit.exitCode !== 0 && policy === 'Never') return 'Failed';
    if (!exit || exit.exitCode !== 0) return 'Pending';
  }
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers ?? []) {
    const r = records.get(c.name);
    const cur = r?.current;
    if (cur && !cur.exit) running++;
    else if (cur?.exit) {
      stopped++;
      if (cur.exit.exitCode === 0) succeeded++;
    } else if (r?.last) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function qosClass(pod: KubeObject): string {
  const spec = pod.spec as { containers?: Array<{ resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> };
  let any = false;
  let guaranteed = true;
  for (const c of spec.containers ?? []) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (!l || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function sidecarNamesOf(inits: ContainerSpec[]): Set<string> {
  return new Set(inits.filter(isSidecar).map((c) => c.name));
}

export function buildPodStatus(input: PodStatusInput): Record<string, unknown> {
  const { pod, records, now } = input;
  const scheme = input.scheme ?? 'containerd';
  const prev = (pod.status ?? {}) as Record<string, unknown>;
  const spec = pod.spec as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; readinessGates?: unknown[] };
  const phase = phaseOf(pod, records, input.terminalPhase);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const inits = spec.initContainers ?? [];
  const pendingInits = inits
    .filter((c) => {
      const r = records.get(c.name);
      if (isSidecar(c)) return !(r?.current && !r.current.exit && r.current.started) && !r?.last;
      return r?.current?.exit?.exitCode !== 0;
    })
    .map((c) => c.name);
  const initialized = pendingInits.length === 0;
  const containerStatuses = (spec.containers ?? []).map((c) => records.get(c.name)).filter((r): r is ContainerRecord => !!r).map((r) => containerStatus(r, scheme, initialized ? 'ContainerCreating' : 'PodInitializing', terminal));
  const initContainerStatuses = inits.map((c) => records.get(c.name)).filter((r): r is ContainerRecord => !!r).map((r) => containerStatus(r, scheme, 'PodInitializing', terminal));
  for (const s of initContainerStatuses) {
    // A finished init container is reported as terminated/Completed (and not ready… except it is "ready" once done).
    const st = s.state as { terminated?: { exitCode: number } };
    if (st.terminated?.exitCode === 0 && !sidecarNamesOf(inits).has(s.name as string)) s.ready = true;
  }
  const sidecarNames = new Set(inits.filter(isSidecar).map((c) => c.name));
  const unready = [...initContainerStatuses.filter((s) => sidecarNames.has(s.name as string)), ...containerStatuses].filter((s) => !s.ready).map((s) => s.name as string);
  const allReady = unready.length === 0 && containerStatuses.length > 0;

  const prevConds = (prev.conditions ?? []) as Array<Record<string, unknown>>;
  const stamp = apiTime(now);
  const cond = (type: string, status: boolean, reason?: string, message?: string): Record<string, unknown> => {
    const s = status ? 'True' : 'False';
    const old = prevConds.find((c) => c.type === type);
    const next: Record<string, unknown> = { type, status: s, lastProbeTime: null, lastTransitionTime: old && old.status === s ? old.lastTransitionTime : stamp };
    if (!status && reason) next.reason = reason;
    if (!status && message) next.message = message;
    if (old && old.status === s && jsonEqual({ ...old, lastTransitionTime: undefined }, { ...next, lastTransitionTime: undefined })) return old;
    return next;
  };
  const readyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  // Readiness gates: the pod is Ready only when every gate's condition (set by someone else) is True.
  const gates = ((spec.readinessGates ?? []) as Array<{ conditionType: string }>).map((g) => g.conditionType);
  const missingGate = gates.find((g) => !prevConds.some((c) => c.type === g));
  const falseGate = gates.find((g) => prevConds.some((c) => c.type === g && c.status !== 'True'));
  const conditions: Array<Record<string, unknown>> = [
    cond('PodReadyToStartContainers', input.podIP !== undefined && !terminal),
    cond('Initialized', initialized, terminal && initialized ? undefined : 'ContainersNotInitialized', initialized ? undefined : `containers with incomplete status: [${pendingInits.join(' ')}]`),
    allReady && !terminal && (missingGate || falseGate)
      ? cond(
          'Ready',
          false,
          'ReadinessGatesNotReady',
          missingGate ? `corresponding condition of pod readiness gate "${missingGate}" does not exist.` : `the status of pod readiness gate "${falseGate}" is not "True", but False`,
        )
      : cond('Ready', allReady && !terminal, readyReason, readyMessage),
    cond('ContainersReady', allReady && !terminal, readyReason, readyMessage),
  ];
  if (terminal && initialized) conditions[1] = cond('Initialized', true);
  const scheduled = prevConds.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: stamp };
  conditions.push(scheduled);
  // Conditions owned by others (DisruptionTarget, readiness gates…) are kept as they are.
  for (const c of prevConds) if (!conditions.some((k) => k.type === c.type)) conditions.push(c);

  const status: Record<string, unknown> = {
    ...prev,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: input.startTime ? apiTime(input.startTime) : prev.startTime,
    containerStatuses,
    qosClass: prev.qosClass ?? qosClass(pod),
  };
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (input.terminalReason) {
    status.reason = input.terminalReason.reason;
    status.message = input.terminalReason.message;
  }
  if (initContainerStatuses.length) status.initContainerStatuses = initContainerStatuses;
  else delete status.initContainerStatuses;
  if (typeof prev.startTime === 'string') status.startTime = prev.startTime;
  return status;
}
