// A MetalLB-like load-balancer controller: each `type: LoadBalancer` Service gets an address
// from `options.loadBalancerPool` in status.loadBalancer.ingress (or stays `<pending>` with an
// AllocationFailed event when the pool is exhausted); addresses return to the pool when the
// Service goes away or changes type.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { expandPool } from './util/ip';
import { R } from './util/meta';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

const COMPONENT = 'metallb-controller';
type Spec = Record<string, any>;

function ingressIPs(svc: KubeObject): string[] {
  return (((svc.status as Spec)?.loadBalancer?.ingress ?? []) as Spec[]).map((i) => i.ip).filter(Boolean);
}

function requestedIP(svc: KubeObject): string | undefined {
  const ann = svc.metadata.annotations?.['metallb.universe.tf/loadBalancerIPs'] ?? svc.metadata.annotations?.['metallb.io/loadBalancerIPs'];
  return ann?.split(',')[0]?.trim() || (svc.spec as Spec)?.loadBalancerIP || undefined;
}

export class LoadBalancerController {
  private readonly queue: WorkQueue;
  private watch?: Watch;
  private readonly pool: string[];

  constructor(private readonly ctx: ClusterContext) {
    this.pool = expandPool(ctx.options.loadBalancerPool);
    this.queue = new WorkQueue((key) => this.sync(key));
  }

  start(): void {
    this.watch = this.ctx.store.watch(R.services, {}, (ev) => {
      const svc = ev.object;
      this.queue.add(objectKey(svc.metadata.namespace, svc.metadata.name!));
      // A freed address may let a pending service through.
      if (ev.type === 'DELETED' || ((svc.spec as Spec)?.type !== 'LoadBalancer' && ingressIPs(svc).length === 0)) this.retryPending();
    });
  }

  stop(): void {
    this.watch?.stop();
    this.queue.stop();
  }

  private retryPending(): void {
    for (const svc of this.ctx.store.list(R.services).items) {
      if ((svc.spec as Spec)?.type === 'LoadBalancer' && ingressIPs(svc).length === 0) this.queue.add(objectKey(svc.metadata.namespace, svc.metadata.name!));
    }
  }

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const svc = this.ctx.store.get(R.services, namespace, name);
    if (!svc) return;
    const isLB = (svc.spec as Spec)?.type === 'LoadBalancer' && !(svc.spec as Spec)?.loadBalancerClass;
    const current = ingressIPs(svc);
    if (!isLB) {
      if (current.length) {
        this.writeIngress(svc, []);
        this.retryPending();
      }
      return;
    }
    if (current.length) return;
    const used = new Set(this.ctx.store.list(R.services).items.filter((s) => s.metadata.uid !== svc.metadata.uid).flatMap(ingressIPs));
    const want = requestedIP(svc);
    let ip: string | undefined;
    if (want) {
      if (!this.pool.includes(want) || used.has(want)) {
        this.ctx.events.record(svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${namespace}/${name}": ${used.has(want) ? `"${want}" is already in use` : `"${want}" is not allowed in config`}`, COMPONENT);
        return;
      }
      ip = want;
    } else ip = this.pool.find((candidate) => !used.has(candidate));
    if (!ip) {
      this.ctx.events.record(svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${namespace}/${name}": no available IPs`, COMPONENT);
      return;
    }
    this.writeIngress(svc, [ip]);
    this.ctx.events.record(svc, 'Normal', 'IPAllocated', `Assigned IP ["${ip}"]`, COMPONENT);
  }

  private writeIngress(svc: KubeObject, ips: string[]): void {
    this.ctx.store.mutate(R.services, svc.metadata.namespace, svc.metadata.name!, (cur) => {
      if (cur.metadata.uid !== svc.metadata.uid) return undefined;
      const status = ((cur.status ??= {}) as Spec);
      status.loadBalancer = ips.length ? { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) } : {};
      return cur;
    }, { subresource: 'status' });
  }
}
