// The disruption controller (pkg/controller/disruption): keeps PodDisruptionBudget status
// (currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed and the DisruptionAllowed
// condition) so `kubectl get pdb` and the eviction API see the budget.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { scaledValue } from './util/intstr';
import { controllerRefOf, R, timestamp } from './util/meta';
import { isPodReady } from './util/pods';
import { selectorMatches, type LabelSelector } from './util/selector';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

type Spec = Record<string, any>;

export class DisruptionController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => process.stderr.write(`disruption-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`) });
  }

  start(): void {
    const { store } = this.ctx;
    const byNamespace = (ns: string | undefined) => {
      for (const pdb of store.list(R.podDisruptionBudgets, { namespace: ns }).items) this.queue.add(objectKey(pdb.metadata.namespace, pdb.metadata.name!));
    };
    this.watches.push(
      store.watch(R.podDisruptionBudgets, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.pods, {}, (ev) => byNamespace(ev.object.metadata.namespace)),
      store.watch(R.replicaSets, {}, (ev) => byNamespace(ev.object.metadata.namespace)),
      store.watch(R.statefulSets, {}, (ev) => byNamespace(ev.object.metadata.namespace)),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  /** The summed scale of the controllers owning the pods (getExpectedScale). */
  private expectedScale(pods: KubeObject[]): number {
    const seen = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) continue;
      if (seen.has(ref.uid)) continue;
      let scale: number | undefined;
      if (ref.kind === 'ReplicaSet') {
        const rs = this.ctx.store.get(R.replicaSets, pod.metadata.namespace, ref.name);
        const dref = rs && controllerRefOf(rs);
        const d = dref?.kind === 'Deployment' ? this.ctx.store.get(R.deployments, pod.metadata.namespace, dref.name) : undefined;
        if (d) {
          if (!seen.has(d.metadata.uid!)) seen.set(d.metadata.uid!, (d.spec as Spec)?.replicas ?? 1);
          seen.set(ref.uid, 0);
          continue;
        }
        scale = (rs?.spec as Spec | undefined)?.replicas;
      } else if (ref.kind === 'StatefulSet') scale = (this.ctx.store.get(R.statefulSets, pod.metadata.namespace, ref.name)?.spec as Spec | undefined)?.replicas;
      else if (ref.kind === 'ReplicationController') scale = (this.ctx.store.get(R.replicationControllers, pod.metadata.namespace, ref.name)?.spec as Spec | undefined)?.replicas;
      seen.set(ref.uid, scale ?? 0);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const pdb = store.get(R.podDisruptionBudgets, namespace, name);
    if (!pdb) return;
    const spec = (pdb.spec ?? {}) as Spec;
    const pods = store.list(R.pods, { namespace }).items.filter((p) => selectorMatches(spec.selector as LabelSelector, p.metadata.labels));
    const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
    let expected: number;
    let desired: number;
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      expected = this.expectedScale(pods);
      desired = Math.max(0, expected - scaledValue(spec.maxUnavailable, expected, true));
    } else if (typeof spec.minAvailable === 'number' || /^\d+$/.test(String(spec.minAvailable ?? ''))) {
      expected = pods.length;
      desired = Number(spec.minAvailable);
    } else if (spec.minAvailable !== undefined) {
      expected = this.expectedScale(pods);
      desired = scaledValue(spec.minAvailable, expected, true);
    } else {
      expected = pods.length;
      desired = 0;
    }
    const allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
    const prev = (pdb.status ?? {}) as Spec;
    const prevCond = ((prev.conditions ?? []) as Spec[]).find((c) => c.type === 'DisruptionAllowed');
    const condStatus = allowed > 0 ? 'True' : 'False';
    const reason = allowed > 0 ? 'SufficientPods' : 'InsufficientPods';
    const cond = {
      type: 'DisruptionAllowed',
      status: condStatus,
      reason,
      message: '',
      observedGeneration: pdb.metadata.generation,
      lastTransitionTime: prevCond && prevCond.status === condStatus ? prevCond.lastTransitionTime : timestamp(this.ctx.now()),
    };
    const status: Spec = {
      ...(prev.disruptedPods ? { disruptedPods: prev.disruptedPods } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      observedGeneration: pdb.metadata.generation,
      conditions: [cond],
    };
    if (JSON.stringify(status) === JSON.stringify(prev)) return;
    store.mutate(R.podDisruptionBudgets, namespace, name, (cur) => {
      if (cur.metadata.uid !== pdb.metadata.uid) return undefined;
      cur.status = status;
      return cur;
    }, { subresource: 'status' });
  }
}
