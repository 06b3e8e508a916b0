// Printers for apps/v1 and batch/v1 workloads (upstream printDeployment, printReplicaSet, ...).

import type { KubeObject } from '../../store/types';
import { columns, WIDE, type Printer } from './columns';
import { arr, formatLabelSelector, formatLabels, humanDuration, num, obj, parseTime, selectorString, since, str, templateContainers, type LabelSelector } from './format';

const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';
const SELECTOR_DESCRIPTION = 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.';

function name(o: KubeObject): string {
  return str(o.metadata.name);
}
function spec(o: KubeObject) {
  return obj(o.spec);
}
function status(o: KubeObject) {
  return obj(o.status);
}
function podSpecOf(o: KubeObject): unknown {
  return obj(spec(o).template).spec;
}

export const deploymentPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Ready', 'string', 'Number of the pod with ready state'],
    ['Up-to-date', 'string', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'],
    ['Available', 'string', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'],
    ['Age', 'string'],
    ['Containers', 'string', CONTAINERS_DESCRIPTION, WIDE],
    ['Images', 'string', IMAGES_DESCRIPTION, WIDE],
    ['Selector', 'string', SELECTOR_DESCRIPTION, WIDE],
  ),
  print(o, now) {
    const [containers, images] = templateContainers(podSpecOf(o));
    return {
      cells: [
        name(o), `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`, num(status(o).updatedReplicas), num(status(o).availableReplicas),
        since(o.metadata.creationTimestamp, now), containers, images, selectorString(spec(o).selector as LabelSelector),
      ],
    };
  },
};

export const replicaSetPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Desired', 'integer', 'Replicas is the number of desired pods.'],
    ['Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'],
    ['Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'],
    ['Age', 'string'],
    ['Containers', 'string', CONTAINERS_DESCRIPTION, WIDE],
    ['Images', 'string', IMAGES_DESCRIPTION, WIDE],
    ['Selector', 'string', 'Selector is a label query over pods that should match the replica count.', WIDE],
  ),
  print(o, now) {
    const [containers, images] = templateContainers(podSpecOf(o));
    return {
      cells: [
        name(o), num(spec(o).replicas), num(status(o).replicas), num(status(o).readyReplicas), since(o.metadata.creationTimestamp, now),
        containers, images, formatLabelSelector(spec(o).selector as LabelSelector),
      ],
    };
  },
};

export const replicationControllerPrinter: Printer = {
  columns: replicaSetPrinter.columns,
  print(o, now) {
    const [containers, images] = templateContainers(podSpecOf(o));
    const sel = obj(spec(o).selector) as Record<string, string>;
    return {
      cells: [
        name(o), num(spec(o).replicas), num(status(o).replicas), num(status(o).readyReplicas), since(o.metadata.creationTimestamp, now),
        containers, images, formatLabels(sel),
      ],
    };
  },
};

export const daemonSetPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'],
    ['Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'],
    ['Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'],
    ['Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'],
    ['Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'],
    ['Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'],
    ['Age', 'string'],
    ['Containers', 'string', CONTAINERS_DESCRIPTION, WIDE],
    ['Images', 'string', IMAGES_DESCRIPTION, WIDE],
    ['Selector', 'string', 'A label query over pods that are managed by the daemon set.', WIDE],
  ),
  print(o, now) {
    const st = status(o);
    const [containers, images] = templateContainers(podSpecOf(o));
    return {
      cells: [
        name(o), num(st.desiredNumberScheduled), num(st.currentNumberScheduled), num(st.numberReady), num(st.updatedNumberScheduled), num(st.numberAvailable),
        formatLabels(obj(obj(podSpecOf(o)).nodeSelector) as Record<string, string>), since(o.metadata.creationTimestamp, now),
        containers, images, formatLabelSelector(spec(o).selector as LabelSelector),
      ],
    };
  },
};

export const statefulSetPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Ready', 'string', 'Number of the pod with ready state'],
    ['Age', 'string'],
    ['Containers', 'string', CONTAINERS_DESCRIPTION, WIDE],
    ['Images', 'string', IMAGES_DESCRIPTION, WIDE],
  ),
  print(o, now) {
    const [containers, images] = templateContainers(podSpecOf(o));
    return { cells: [name(o), `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`, since(o.metadata.creationTimestamp, now), containers, images] };
  },
};

/** `hasJobCondition`: the first condition of that type decides. */
function hasTrueCondition(o: KubeObject, type: string): boolean {
  const found = arr(status(o).conditions).find((c) => c.type === type);
  return found !== undefined && found.status === 'True';
}

/** Upstream `printJob` STATUS column. */
function jobStatus(o: KubeObject): string {
  if (hasTrueCondition(o, 'Complete')) return 'Complete';
  if (hasTrueCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasTrueCondition(o, 'Suspended')) return 'Suspended';
  if (hasTrueCondition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Status', 'string', 'Status of the job.'],
    ['Completions', 'string', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'],
    ['Duration', 'string', 'Time required to complete the job.'],
    ['Age', 'string'],
    ['Containers', 'string', CONTAINERS_DESCRIPTION, WIDE],
    ['Images', 'string', IMAGES_DESCRIPTION, WIDE],
    ['Selector', 'string', 'A label query over pods that should match the pod count.', WIDE],
  ),
  print(o, now) {
    const sp = spec(o);
    const st = status(o);
    const succeeded = num(st.succeeded);
    let completions: string;
    if (typeof sp.completions === 'number') completions = `${succeeded}/${sp.completions}`;
    else if (typeof sp.parallelism !== 'number') completions = `${succeeded}/1`;
    else if (sp.parallelism > 1) completions = `${succeeded}/1 of ${sp.parallelism}`;
    else completions = `${succeeded}/1`;
    const start = parseTime(st.startTime);
    const end = parseTime(st.completionTime);
    const duration = !start ? '' : humanDuration((end ?? now).getTime() - start.getTime());
    const [containers, images] = templateContainers(podSpecOf(o));
    return {
      cells: [name(o), jobStatus(o), completions, duration, since(o.metadata.creationTimestamp, now), containers, images, formatLabelSelector(sp.selector as LabelSelector)],
    };
  },
};

export const cronJobPrinter: Printer = {
  columns: columns(
    ['Name', 'string'],
    ['Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'],
    ['Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'],
    ['Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.'],
    ['Active', 'integer', 'A list of pointers to currently running jobs.'],
    ['Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'],
    ['Age', 'string'],
    ['Containers', 'string', CONTAINERS_DESCRIPTION, WIDE],
    ['Images', 'string', IMAGES_DESCRIPTION, WIDE],
    ['Selector', 'string', 'A label query over pods that should match the pod count.', WIDE],
  ),
  print(o, now) {
    const sp = spec(o);
    const st = status(o);
    const jobSpec = obj(obj(sp.jobTemplate).spec);
    const [containers, images] = templateContainers(obj(jobSpec.template).spec);
    const last = parseTime(st.lastScheduleTime);
    return {
      cells: [
        name(o), str(sp.schedule), str(sp.timeZone) || '<none>', typeof sp.suspend === 'boolean' ? (sp.suspend ? 'True' : 'False') : '<unset>',
        arr(st.active).length, last ? humanDuration(now.getTime() - last.getTime()) : '<none>', since(o.metadata.creationTimestamp, now),
        containers, images, formatLabelSelector(jobSpec.selector as LabelSelector),
      ],
    };
  },
};
