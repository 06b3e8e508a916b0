// Wires the mini-cluster together: store (optionally persisted), event recorder, admission,
// controllers, scheduler, kubelets and the API server, and writes a kubeconfig for it.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { REF } from './api/registry';
import { createApiServer } from './apiserver/server';
import { loadOrCreateServingCerts } from './apiserver/tls';
import type { ClusterContext, ClusterOptions, NodeSpecInput } from './context';
import { AdmissionChain } from './events/admission';
import { startEventTtl } from './events/event-ttl';
import { startNamespaceDefaults } from './events/namespace-defaults';
import { StoreEventRecorder } from './events/recorder';
import { registerAdmission, startControllers } from './controllers';
import { startKubelets, type ContainerRuntime } from './kubelet';
import type { PodIO } from './kubelet/pod-io';
import { startScheduler } from './scheduler';
import { attachPersistence, MemoryStore, type Persistence } from './store';
import type { KubeObject } from './store/types';

export interface StartClusterOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Node names; the first is the control plane. Default m-k8s, w1-k8s, w2-k8s, w3-k8s. */
  nodes?: string[];
  /** Keep cluster state here across restarts. */
  dataDir?: string;
  kubeconfigPath?: string;
  /** Pods each node accepts (kubelet's `--max-pods`); default 110, at most 256 (each node gets a /24 of pod IPs; host-network pods need none). */
  maxPodsPerNode?: number;
  /** Multiplier for simulated delays (0 = instant, for tests). Default 1. */
  timeScale?: number;
  /** Container runtime handed to the kubelets (a kubelet ContainerRuntime; default: the simulated one). */
  runtime?: unknown;
  /** Bearer token to require; random by default. */
  token?: string;
  /** Log every API request to stderr. */
  accessLog?: boolean;
}

export interface RunningCluster {
  url: string;
  /** PEM of the cluster CA that signed the API server's certificate (also in the kubeconfig). */
  caCert: string;
  kubeconfigPath: string;
  token: string;
  /** The control plane's context (store, events, admission, options), for in-process callers and tests. */
  ctx: ClusterContext;
  stop(): Promise<void>;
}

export const DEFAULT_NODES = ['m-k8s', 'w1-k8s', 'w2-k8s', 'w3-k8s'];
/** Each node gets a /24 of pod IPs (host-network pods need none), so at most 256 pods per node. */
export const MAX_PODS_PER_NODE = 256;

const validMaxPods = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_PODS_PER_NODE;

/** `--max-pods` as the command lines take it; throws a message naming the flag. */
export function parseMaxPodsFlag(raw: string): number {
  const n = Number(raw);
  if (!validMaxPods(n)) throw new Error(`--max-pods must be a whole number from 1 to ${MAX_PODS_PER_NODE}, got "${raw}"`);
  return n;
}
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** m-k8s is 192.168.1.10 and wN-k8s 192.168.1.10N, as in the course's Vagrant lab. */
export function nodeInputs(names: string[]): NodeSpecInput[] {
  return names.map((name, i) => {
    const worker = name.match(/^w(\d+)-/);
    const internalIP = i === 0 ? '192.168.1.10' : worker ? `192.168.1.10${worker[1]}` : `192.168.1.${100 + i}`;
    return { name, controlPlane: i === 0, internalIP };
  });
}

export function buildKubeconfig(server: string, token: string, caCertPem: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubernetes', cluster: { 'certificate-authority-data': Buffer.from(caCertPem).toString('base64'), server } }],
    contexts: [{ name: 'kubernetes-admin@kubernetes', context: { cluster: 'kubernetes', user: 'kubernetes-admin' } }],
    'current-context': 'kubernetes-admin@kubernetes',
    preferences: {},
    users: [{ name: 'kubernetes-admin', user: { token } }],
  });
}

function writeKubeconfig(file: string, server: string, token: string, caCertPem: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, buildKubeconfig(server, token, caCertPem), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function ensure(ctx: ClusterContext, ref: { group: string; resource: string }, obj: KubeObject): void {
  if (ctx.store.get(ref, obj.metadata.namespace, obj.metadata.name!)) return;
  ctx.store.create(ref, obj);
}

/** The objects every kubeadm cluster starts with: system namespaces, default service accounts, the `kubernetes` Service. */
function bootstrap(ctx: ClusterContext): void {
  for (const name of SYSTEM_NAMESPACES) {
    ensure(ctx, REF.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    ensure(ctx, REF.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
  }
  ensure(ctx, REF.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    },
    status: { loadBalancer: {} },
  });
  ensure(ctx, REF.endpoints, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  });
}

export async function startCluster(opts: StartClusterOptions = {}): Promise<RunningCluster> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const now = () => new Date();
  // The kubelets finish graceful pod deletions (gracePeriodSeconds 0 once containers stopped).
  const store = new MemoryStore({ now, gracefulPodDeletion: true });
  let persistence: Persistence | undefined;
  if (opts.dataDir) persistence = attachPersistence(store, opts.dataDir);

  const options: ClusterOptions = {
    nodes: nodeInputs(opts.nodes?.length ? opts.nodes : DEFAULT_NODES),
    serviceCIDR: '10.96.0.0/12',
    podCIDR: '172.16.0.0/16',
    loadBalancerPool: '192.168.1.11-192.168.1.13',
    nodePortRange: { min: 30000, max: 32767 },
    maxPodsPerNode: opts.maxPodsPerNode ?? 110,
    timeScale: opts.timeScale ?? 1,
  };
  if (!validMaxPods(options.maxPodsPerNode)) {
    throw new RangeError(`maxPodsPerNode must be an integer from 1 to ${MAX_PODS_PER_NODE} (each node gets a /24 of pod IPs), got ${opts.maxPodsPerNode}`);
  }
  const admission = new AdmissionChain();
  const ctx: ClusterContext = { store, events: new StoreEventRecorder(store, now), admission, options, now };
  admission.ctx = ctx;
  bootstrap(ctx);

  registerAdmission(admission, ctx);
  const stops: (() => void | Promise<void>)[] = [];
  let podIO: PodIO | undefined;
  const certs = loadOrCreateServingCerts(opts.dataDir, host === '0.0.0.0' || host === '::' ? [] : [host]);
  const api = createApiServer({ ctx, token, podIO: () => podIO, accessLog: opts.accessLog ?? !!process.env.KUBELAB_APISERVER_LOG, tls: certs });
  try {
    const kubelets = await startKubelets(ctx, { runtime: opts.runtime as ContainerRuntime | undefined });
    podIO = kubelets.podIO;
    stops.push(() => kubelets.stop());
    const controllers = startControllers(ctx);
    stops.push(() => controllers.stop());
    const scheduler = startScheduler(ctx);
    stops.push(() => scheduler.stop());
    const namespaceDefaults = startNamespaceDefaults(ctx, certs.caCert);
    stops.push(() => namespaceDefaults.stop());
    const eventTtl = startEventTtl(ctx);
    stops.push(() => eventTtl.stop());
    const port = await api.listen(opts.port ?? 0, host);
    const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const scratchDir = opts.kubeconfigPath || opts.dataDir ? undefined : path.join(os.tmpdir(), `kubelab-cluster-${process.pid}-${port}`);
    const kubeconfigPath = opts.kubeconfigPath ?? path.join(opts.dataDir ?? scratchDir!, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, url, token, certs.caCert);
    let stopped: Promise<void> | undefined;
    return {
      url,
      caCert: certs.caCert,
      kubeconfigPath,
      token,
      ctx,
      stop() {
        stopped ??= (async () => {
          await api.close();
          for (const stop of stops.reverse()) {
            try {
              await stop();
            } catch (err) {
              process.stderr.write(`mini-cluster: error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
            }
          }
          persistence?.close();
          if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (err) {
    await api.close().catch(() => undefined);
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    persistence?.close();
    throw err;
  }
}
