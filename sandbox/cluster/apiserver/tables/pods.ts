// `kubectl get pods`: the READY / STATUS / RESTARTS computation of upstream `printPod`.

import type { KubeObject } from '../../store/types';
import { columns, WIDE, type Printer, type PrintedRow, type TableRowCondition } from './columns';
import { arr, humanDuration, num, obj, parseTime, since, str, type Json } from './format';

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const podSuccessConditions: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const podFailedConditions: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

function isRestartableInitContainer(container: Json | undefined): boolean {
  return container !== undefined && container.restartPolicy === 'Always';
}

function hasCondition(conditions: Json[], type: string): boolean {
  return conditions.some((c) => c.type === type && c.status === 'True');
}

function terminatedAt(status: Json): Date | undefined {
  return parseTime(obj(obj(status.lastState).terminated).finishedAt);
}

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.getTime() > a.getTime() ? b : a;
}

export function podRow(pod: KubeObject, now: Date): PrintedRow {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const conditions = arr(status.conditions);
  const initContainers = arr(spec.initContainers);
  const initByName = new Map(initContainers.map((c) => [str(c.name), c]));

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = arr(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: Date | undefined;
  let lastRestartableInitRestart: Date | undefined;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const row: PrintedRow = { cells: [] };
  if (phase === 'Succeeded') row.conditions = podSuccessConditions;
  else if (phase === 'Failed') row.conditions = podFailedConditions;

  for (const c of initContainers) if (isRestartableInitContainer(c)) totalContainers++;

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const state = obj(cs.state);
    const terminated = state.terminated === undefined ? undefined : obj(state.terminated);
    const waiting = state.waiting === undefined ? undefined : obj(state.waiting);
    const restartable = isRestartableInitContainer(initByName.get(str(cs.name)));
    restarts += num(cs.restartCount);
    lastRestart = later(lastRestart, terminatedAt(cs));
    if (restartable) {
      restartableInitRestarts += num(cs.restartCount);
      lastRestartableInitRestart = later(lastRestartableInitRestart, terminatedAt(cs));
    }
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason) === '') {
        reason = num(terminated.signal) !== 0 ? `Init:Signal:${num(terminated.signal)}` : `Init:ExitCode:${num(terminated.exitCode)}`;
      } else {
        reason = `Init:${str(terminated.reason)}`;
      }
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const state = obj(cs.state);
      const terminated = state.terminated === undefined ? undefined : obj(state.terminated);
      const waiting = state.waiting === undefined ? undefined : obj(state.waiting);
      restarts += num(cs.restartCount);
      lastRestart = later(lastRestart, terminatedAt(cs));
      if (waiting && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is reported by the running one.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart) restartsCell = `${restarts} (${humanDuration(now.getTime() - lastRestart.getTime())} ago)`;

  const podIPs = arr(status.podIPs);
  const podIP = (podIPs.length > 0 ? str(podIPs[0].ip) : '') || '<none>';
  const nodeName = str(spec.nodeName) || '<none>';
  const nominated = str(status.nominatedNodeName) || '<none>';
  const gates = arr(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      const cond = conditions.find((c) => c.type === gate.conditionType);
      if (cond && cond.status === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  row.cells = [
    str(pod.metadata.name), `${readyContainers}/${totalContainers}`, reason, restartsCell, since(pod.metadata.creationTimestamp, now),
    podIP, nodeName, nominated, readinessGates,
  ];
  return row;
}

export const podPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'],
    ['Status', 'string', 'The aggregate status of the containers in this pod.'],
    ['Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'],
    ['Age', 'string'],
    ['IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', WIDE],
    ['Node', 'string', 'NodeName indicates in which node this pod is scheduled.', WIDE],
    ['Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', WIDE],
    ['Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', WIDE],
  ),
  print: podRow,
};
