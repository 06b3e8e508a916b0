// The horizontal pod autoscaler controller as it behaves on a cluster without metrics-server:
// it enforces minReplicas/maxReplicas on the target's scale and otherwise reports that it cannot
// get metrics (ScalingActive=False FailedGetResourceMetric, `<unknown>` targets), re-checking
// every 15 s like upstream's resync.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { R, resourceForKind, timestamp } from './util/meta';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'horizontal-pod-autoscaler';
const RESYNC_MS = 15_000;
type Spec = Record<string, any>;

const METRICS_API_ERROR = 'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

export class HorizontalPodAutoscalerController {
  private readonly queue: WorkQueue;
  private watch?: Watch;

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => process.stderr.write(`${COMPONENT}: ${key}: ${err instanceof Error ? err.message : String(err)}\n`) });
  }

  start(): void {
    this.watch = this.ctx.store.watch(R.horizontalPodAutoscalers, {}, (ev) => {
      if (ev.type !== 'DELETED') this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!));
    });
  }

  stop(): void {
    this.watch?.stop();
    this.queue.stop();
  }

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const hpa = store.get(R.horizontalPodAutoscalers, namespace, name);
    if (!hpa) return;
    this.queue.addAfter(key, RESYNC_MS);
    const spec = (hpa.spec ?? {}) as Spec;
    const prev = (hpa.status ?? {}) as Spec;
    const status: Spec = { ...structuredClone(prev) };
    const now = timestamp(this.ctx.now());
    const setCondition = (type: string, value: string, reason: string, message: string) => {
      const conditions = (status.conditions ?? []) as Spec[];
      const existing = conditions.find((c) => c.type === type);
      if (existing && existing.status === value && existing.reason === reason && existing.message === message) return;
      const cond = { type, status: value, lastTransitionTime: existing && existing.status === value ? existing.lastTransitionTime : now, reason, message };
      status.conditions = existing ? conditions.map((c) => (c.type === type ? cond : c)) : [...conditions, cond];
    };

    const ref = (spec.scaleTargetRef ?? {}) as Spec;
    const info = ref.kind ? resourceForKind(ref.apiVersion ?? '', ref.kind) : undefined;
    const target = info ? store.get({ group: info.group, resource: info.resource }, namespace, ref.name) : undefined;
    if (!info || !target) {
      const msg = `the HPA controller was unable to get the target's current scale: ${info ? `${info.resource}${info.group ? `.${info.group}` : ''} "${ref.name}" not found` : `no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/')[0]}"`}`;
      setCondition('AbleToScale', 'False', 'FailedGetScale', msg);
      this.ctx.events.record(hpa, 'Warning', 'FailedGetScale', msg.replace("the HPA controller was unable to get the target's current scale: ", ''), COMPONENT);
      this.write(hpa, prev, status);
      return;
    }
    const current = ((target.spec as Spec)?.replicas as number | undefined) ?? 1;
    const min = (spec.minReplicas as number | undefined) ?? 1;
    const max = spec.maxReplicas as number;
    status.currentReplicas = current;
    let desired: number | undefined;
    let reason = '';
    if (current === 0 && min !== 0) {
      status.desiredReplicas = 0;
      setCondition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (current > max) {
      desired = max;
      reason = 'Current number of replicas above Spec.MaxReplicas';
      setCondition('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count');
    } else if (current < min) {
      desired = min;
      reason = 'Current number of replicas below Spec.MinReplicas';
      setCondition('ScalingLimited', 'True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count');
    } else {
      // No resource metrics API here: every resource metric is unknown, as without metrics-server.
      const metrics = ((spec.metrics ?? []) as Spec[]).length ? (spec.metrics as Spec[]) : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
      const first = metrics[0];
      const resource = first.resource?.name ?? first.containerResource?.name ?? 'cpu';
      const what = first.type === 'Resource' || first.type === 'ContainerResource' ? `failed to get ${resource} utilization: unable to get metrics for resource ${resource}: ${METRICS_API_ERROR}` : `unable to get metric ${first[String(first.type).charAt(0).toLowerCase() + String(first.type).slice(1)]?.metric?.name ?? ''}: no custom metrics API (custom.metrics.k8s.io) registered`;
      setCondition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
      setCondition('ScalingActive', 'False', first.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetExternalMetric', `the HPA was unable to compute the replica count: ${what}`);
      status.currentMetrics = metrics.map((m) => (m.type === 'Resource' ? { type: 'Resource', resource: { name: m.resource?.name, current: {} } } : { type: m.type }));
      status.desiredReplicas ??= 0;
      this.ctx.events.record(hpa, 'Warning', first.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetExternalMetric', what, COMPONENT);
      this.ctx.events.record(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${metrics.length} invalid out of ${metrics.length}), first error is: failed to get ${resource} resource metric value: ${what}`, COMPONENT);
    }
    if (desired !== undefined) {
      store.mutate({ group: info.group, resource: info.resource }, namespace, ref.name, (cur) => {
        if (((cur.spec as Spec)?.replicas ?? 1) === desired) return undefined;
        (cur.spec as Spec).replicas = desired;
        return cur;
      });
      this.ctx.events.record(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`, COMPONENT);
      setCondition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      status.desiredReplicas = desired;
      status.lastScaleTime = now;
    }
    this.write(hpa, prev, status);
  }

  private write(hpa: KubeObject, prev: Spec, status: Spec): void {
    if (JSON.stringify(prev) === JSON.stringify(status)) return;
    this.ctx.store.mutate(R.horizontalPodAutoscalers, hpa.metadata.namespace, hpa.metadata.name!, (cur) => {
      if (cur.metadata.uid !== hpa.metadata.uid) return undefined;
      cur.status = status;
      return cur;
    }, { subresource: 'status' });
  }
}
