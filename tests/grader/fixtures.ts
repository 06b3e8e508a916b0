// In-memory fixture states for grader unit tests.
import type { DockerContainer, DockerImage, DockerNetwork, DockerReader, KubeObject, KubeReader, SandboxRunner } from '@/lib/grader/targets';

const clusterScoped = new Set(['Node', 'Namespace', 'PersistentVolume', 'StorageClass']);

function matchesSelector(labels: Record<string, string> | undefined, selector?: string): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels?.[k.trim()] === v?.trim();
  });
}

export function fixtureKube(objects: KubeObject[]): KubeReader & { calls: number } {
  const reader = {
    calls: 0,
    async get(kind: string, name: string, namespace?: string) {
      reader.calls++;
      return objects.find((o) => o.kind === kind && o.metadata?.name === name && (clusterScoped.has(kind) || (o.metadata?.namespace ?? 'default') === (namespace ?? 'default')));
    },
    async list(kind: string, opts: { namespace?: string; labelSelector?: string }) {
      reader.calls++;
      return objects.filter(
        (o) => o.kind === kind && (clusterScoped.has(kind) || !opts.namespace || (o.metadata?.namespace ?? 'default') === opts.namespace) && matchesSelector(o.metadata?.labels, opts.labelSelector),
      );
    },
  };
  return reader;
}

export function pod(name: string, opts: { labels?: Record<string, string>; node?: string; phase?: string; ready?: boolean; waiting?: string; namespace?: string; terminating?: boolean } = {}): KubeObject {
  const ready = opts.ready ?? opts.phase === 'Running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', labels: opts.labels ?? {}, ...(opts.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: opts.node, containers: [{ name: 'c', image: 'nginx' }] },
    status: {
      phase: opts.phase ?? 'Pending',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'c', ready, state: opts.waiting ? { waiting: { reason: opts.waiting } } : { running: {} } }],
    },
  };
}

export function deployment(name: string, opts: { replicas: number; ready: number; image?: string; uid?: string }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: opts.uid ?? `uid-${name}`, labels: { app: name } },
    spec: { replicas: opts.replicas, selector: { matchLabels: { app: name } }, template: { spec: { containers: [{ name: 'nginx', image: opts.image ?? 'nginx:1.25' }] } } },
    status: { replicas: opts.replicas, readyReplicas: opts.ready },
  };
}

export function replicaSet(name: string, ownerUid: string, revision: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: [{ kind: 'Deployment', name: 'web', uid: ownerUid, controller: true }] },
  };
}

export function fixtureDocker(state: { containers?: DockerContainer[]; images?: Record<string, DockerImage>; volumes?: string[]; networks?: DockerNetwork[] }): DockerReader {
  return {
    async containers() {
      return state.containers ?? [];
    },
    async image(name) {
      return state.images?.[name];
    },
    async volumeExists(name) {
      return (state.volumes ?? []).includes(name);
    },
    async network(name) {
      return (state.networks ?? []).find((n) => n.Name === name);
    },
  };
}

export function container(name: string, opts: { image?: string; running?: boolean; ports?: Record<string, string>; env?: string[]; mounts?: DockerContainer['Mounts']; networks?: string[] } = {}): DockerContainer {
  const running = opts.running ?? true;
  return {
    Id: `id-${name}`,
    Name: `/${name}`,
    Config: { Image: opts.image ?? 'nginx', Env: opts.env ?? ['PATH=/usr/bin'] },
    State: { Status: running ? 'running' : 'exited', Running: running },
    NetworkSettings: {
      Ports: Object.fromEntries(Object.entries(opts.ports ?? {}).map(([cport, hport]) => [cport, [{ HostIp: '0.0.0.0', HostPort: hport }]])),
      Networks: Object.fromEntries((opts.networks ?? ['bridge']).map((n) => [n, {}])),
    },
    Mounts: opts.mounts ?? [],
  };
}

export function fixtureSandbox(handler: (command: string) => { exitCode: number; stdout?: string; stderr?: string }): SandboxRunner & { commands: string[] } {
  const runner = {
    commands: [] as string[],
    async exec(command: string) {
      runner.commands.push(command);
      const r = handler(command);
      return { exitCode: r.exitCode, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
  };
  return runner;
}
