// The Endpoints and EndpointSlice controllers: for every Service with a selector, the matching
// pods' IPs (ready → addresses, not ready → notReadyAddresses) with named targetPorts resolved
// against each pod's container ports.
import type { ClusterContext } from '../context';
import type { KubeObject, Watch } from '../store/types';
import { clone, isAlreadyExists, newControllerRef, R } from './util/meta';
import { isPodReady, podPhase } from './util/pods';
import { selectorMatches } from './util/selector';
import { objectKey, splitKey, WorkQueue } from './util/workqueue';

type Spec = Record<string, any>;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

interface PodEndpoint {
  pod: KubeObject;
  ip: string;
  /** Set when the pod's subdomain is this (headless) service: its DNS name `<hostname>.<service>`. */
  hostname?: string;
  ready: boolean;
  terminating: boolean;
  ports: EndpointPort[];
}

/** podutil.FindPort: a number, or a container port by name. */
export function findPort(pod: KubeObject, targetPort: unknown, protocol: string): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (typeof targetPort === 'string' && /^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of ((pod.spec as Spec)?.containers ?? []) as Spec[]) {
    for (const p of (c.ports ?? []) as Spec[]) if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

function podEndpoints(svc: KubeObject, pods: KubeObject[]): PodEndpoint[] {
  const spec = (svc.spec ?? {}) as Spec;
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    const ip = (pod.status as Spec)?.podIP as string | undefined;
    if (!ip) continue;
    const phase = podPhase(pod);
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    if (terminating && !spec.publishNotReadyAddresses) continue;
    const ports: EndpointPort[] = [];
    let complete = true;
    for (const sp of (spec.ports ?? []) as Spec[]) {
      const protocol = sp.protocol ?? 'TCP';
      const port = findPort(pod, sp.targetPort ?? sp.port, protocol);
      if (port === undefined) {
        complete = false;
        continue;
      }
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol, ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    if (!complete && ports.length === 0 && (spec.ports ?? []).length > 0) continue;
    const podSpec = (pod.spec ?? {}) as Spec;
    const hostname = podSpec.hostname && podSpec.subdomain === svc.metadata.name ? (podSpec.hostname as string) : undefined;
    out.push({ pod, ip, hostname, ready: spec.publishNotReadyAddresses ? true : isPodReady(pod) && !terminating, terminating, ports });
  }
  return out;
}

function targetRef(pod: KubeObject): Spec {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

/** endpoints.RepackSubsets: one subset per distinct port set, addresses sorted by IP. */
export function buildSubsets(eps: PodEndpoint[]): Spec[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: Spec[]; notReady: Spec[] }>();
  for (const ep of eps) {
    const ports = [...ep.ports].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    const podSpec = (ep.pod.spec ?? {}) as Spec;
    const addr: Spec = { ip: ep.ip, ...(ep.hostname ? { hostname: ep.hostname } : {}), ...(podSpec.nodeName ? { nodeName: podSpec.nodeName } : {}), targetRef: targetRef(ep.pod) };
    (ep.ready ? g.ready : g.notReady).push(addr);
  }
  const byIp = (a: Spec, b: Spec) => compareIPs(a.ip, b.ip);
  return [...groups.values()].map((g) => ({
    ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export class EndpointsController {
  private readonly queue: WorkQueue;
  private watches: Watch[] = [];

  constructor(private readonly ctx: ClusterContext) {
    this.queue = new WorkQueue((key) => this.sync(key), { onError: (key, err) => logError(key, err) });
  }

  start(): void {
    const { store } = this.ctx;
    this.watches.push(
      store.watch(R.services, {}, (ev) => this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!))),
      store.watch(R.pods, {}, (ev) => this.onPod(ev.object)),
      store.watch(R.endpoints, {}, (ev) => {
        if (ev.type === 'DELETED' || ev.type === 'MODIFIED') this.queue.add(objectKey(ev.object.metadata.namespace, ev.object.metadata.name!));
      }),
      store.watch(R.endpointSlices, {}, (ev) => {
        const svc = ev.object.metadata.labels?.[SERVICE_NAME_LABEL];
        if (svc && ev.object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY && ev.type === 'DELETED') this.queue.add(objectKey(ev.object.metadata.namespace, svc));
      }),
    );
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.queue.stop();
  }

  private onPod(pod: KubeObject): void {
    const ns = pod.metadata.namespace;
    for (const svc of this.ctx.store.list(R.services, { namespace: ns }).items) {
      const sel = (svc.spec as Spec)?.selector as Record<string, string> | undefined;
      if (sel && Object.keys(sel).length && selectorMatches({ matchLabels: sel }, pod.metadata.labels)) this.queue.add(objectKey(ns, svc.metadata.name!));
    }
    // A pod whose labels changed may have left a service: endpoints referencing it are re-checked.
    for (const ep of this.ctx.store.list(R.endpoints, { namespace: ns }).items) {
      const refs = ((ep.subsets ?? []) as Spec[]).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]);
      if (refs.some((a: Spec) => a.targetRef?.uid === pod.metadata.uid)) this.queue.add(objectKey(ns, ep.metadata.name!));
    }
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const { store } = this.ctx;
    const svc = store.get(R.services, namespace, name);
    const selector = (svc?.spec as Spec | undefined)?.selector as Record<string, string> | undefined;
    if (!svc) {
      this.deleteManaged(namespace!, name);
      return;
    }
    if (!selector || Object.keys(selector).length === 0 || (svc.spec as Spec).type === 'ExternalName') return;
    const pods = store.list(R.pods, { namespace }).items.filter((p) => selectorMatches({ matchLabels: selector }, p.metadata.labels));
    const eps = podEndpoints(svc, pods);
    this.syncEndpoints(svc, eps);
    this.syncSlices(svc, eps);
  }

  private deleteManaged(namespace: string, name: string): void {
    const { store } = this.ctx;
    const ep = store.get(R.endpoints, namespace, name);
    if (ep && ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] !== 'true') {
      try {
        store.delete(R.endpoints, namespace, name);
      } catch {
        /* gone */
      }
    }
    for (const slice of store.list(R.endpointSlices, { namespace }).items) {
      if (slice.metadata.labels?.[SERVICE_NAME_LABEL] === name && slice.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) {
        try {
          store.delete(R.endpointSlices, namespace, slice.metadata.name!);
        } catch {
          /* gone */
        }
      }
    }
  }

  private syncEndpoints(svc: KubeObject, eps: PodEndpoint[]): void {
    const { store } = this.ctx;
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    const subsets = buildSubsets(eps);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if ((svc.spec as Spec).clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    const existing = store.get(R.endpoints, ns, name);
    if (!existing) {
      const obj: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, ...(Object.keys(labels).length ? { labels } : {}) }, ...(subsets.length ? { subsets } : {}) };
      try {
        store.create(R.endpoints, obj);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        this.queue.add(objectKey(ns, name));
      }
      return;
    }
    const same = JSON.stringify(existing.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(existing.metadata.labels ?? {}) === JSON.stringify(labels);
    if (same) return;
    store.mutate(R.endpoints, ns, name, (cur) => {
      cur.metadata.labels = Object.keys(labels).length ? labels : undefined;
      if (subsets.length) cur.subsets = clone(subsets);
      else delete cur.subsets;
      return cur;
    });
  }

  private syncSlices(svc: KubeObject, eps: PodEndpoint[]): void {
    const { store } = this.ctx;
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    const groups = new Map<string, { ports: EndpointPort[]; endpoints: Spec[] }>();
    for (const ep of eps) {
      // discovery/v1 EndpointPort.name is a pointer the controller always sets ("" when unnamed);
      // kubectl describe dereferences it.
      const ports = ep.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
      const key = JSON.stringify(ports);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { ports, endpoints: [] }));
      g.endpoints.push({
        addresses: [ep.ip],
        conditions: { ready: ep.ready, serving: ep.terminating ? isPodReady(ep.pod) : ep.ready, terminating: ep.terminating },
        ...(ep.hostname ? { hostname: ep.hostname } : {}),
        ...((ep.pod.spec as Spec)?.nodeName ? { nodeName: (ep.pod.spec as Spec).nodeName } : {}),
        targetRef: targetRef(ep.pod),
      });
    }
    if (groups.size === 0) groups.set('[]', { ports: [], endpoints: [] });
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    if ((svc.spec as Spec).clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    const existing = store.list(R.endpointSlices, { namespace: ns }).items.filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
    const wanted = [...groups.values()];
    const unused = [...existing];
    for (const g of wanted) {
      g.endpoints.sort((a, b) => compareIPs(a.addresses[0], b.addresses[0]));
      const body: Spec = { addressType: 'IPv4', endpoints: g.endpoints, ...(g.ports.length ? { ports: g.ports } : {}) };
      const match = unused.shift();
      if (match) {
        if (JSON.stringify({ addressType: match.addressType, endpoints: match.endpoints ?? [], ...(match.ports ? { ports: match.ports } : {}) }) === JSON.stringify(body) && JSON.stringify(match.metadata.labels) === JSON.stringify(labels)) continue;
        store.mutate(R.endpointSlices, ns, match.metadata.name!, (cur) => {
          const next: KubeObject = { ...cur, metadata: { ...cur.metadata, labels }, ...clone(body) };
          if (!body.ports) delete next.ports;
          return next;
        });
      } else {
        store.create(R.endpointSlices, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`, namespace: ns, labels, ownerReferences: [newControllerRef(svc)] },
          ...clone(body),
        });
      }
    }
    for (const s of unused) {
      try {
        store.delete(R.endpointSlices, ns, s.metadata.name!);
      } catch {
        /* gone */
      }
    }
  }
}

function logError(key: string, err: unknown): void {
  const code = (err as { code?: number }).code;
  if (code === 409 || code === 404) return;
  process.stderr.write(`endpoint-controller: ${key}: ${err instanceof Error ? err.message : String(err)}\n`);
}
