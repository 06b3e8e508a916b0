import { toTable } from '../../../sandbox/cluster/apiserver/tables';
import type { KubeObject } from '../../../sandbox/cluster/store/types';

const NOW = new Date('2026-01-10T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function cells(group: string, resource: string, obj: Partial<KubeObject> & { metadata: KubeObject['metadata'] }) {
  const table = toTable({ group, resource }, [{ apiVersion: 'v1', kind: 'X', ...obj } as KubeObject], { wide: false, includeObject: 'None', now: NOW });
  return table.rows[0].cells;
}
function headers(group: string, resource: string) {
  return toTable({ group, resource }, [], { wide: false, includeObject: 'None', now: NOW }).columnDefinitions.map((c) => (c.priority ? `(${c.name})` : c.name));
}

const meta = (name: string, ageSeconds = 65) => ({ name, namespace: 'default', creationTimestamp: ago(ageSeconds) });
const running = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, started: true, state: { running: { startedAt: ago(60) } }, ...extra });

describe('table envelope', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta('p'), uid: 'u1', labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } } as KubeObject;
  test('Metadata rows carry PartialObjectMetadata, Object rows the object, None rows nothing', () => {
    const t = toTable({ group: '', resource: 'pods' }, [pod], { wide: false, includeObject: 'Metadata', now: NOW });
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
    expect(toTable({ group: '', resource: 'pods' }, [pod], { wide: true, includeObject: 'Object', now: NOW }).rows[0].object).toBe(pod);
    expect(toTable({ group: '', resource: 'pods' }, [pod], { wide: true, includeObject: 'None', now: NOW }).rows[0]).not.toHaveProperty('object');
  });
  test('column definitions always include the wide (priority 1) columns', () => {
    const t = toTable({ group: '', resource: 'pods' }, [], { wide: false, includeObject: 'Metadata', now: NOW });
    expect(t.columnDefinitions[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    expect(t.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    for (const c of t.columnDefinitions) expect(c.description).not.toBe('');
  });
  test('resources without a printer get the default Name / Created At table', () => {
    expect(headers('example.com', 'widgets')).toEqual(['Name', 'Created At']);
    const t = toTable({ group: 'example.com', resource: 'widgets' }, [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: '2026-01-10T11:00:00Z' } }], { wide: false, includeObject: 'None', now: NOW });
    expect(t.columnDefinitions[1]).toMatchObject({ name: 'Created At', type: 'date' });
    expect(t.rows[0].cells).toEqual(['w', '2026-01-10T11:00:00Z']);
  });
});

describe('pods', () => {
  const base = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
    metadata: meta('web-1', 300),
    spec: { containers: [{ name: 'app' }], nodeName: 'w1-k8s', ...spec },
    status,
  });
  test('headers', () => {
    expect(headers('', 'pods')).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', '(IP)', '(Node)', '(Nominated Node)', '(Readiness Gates)']);
  });
  test('unscheduled pending pod', () => {
    expect(cells('', 'pods', { metadata: meta('p', 5), spec: { containers: [{ name: 'a' }, { name: 'b' }] }, status: { phase: 'Pending' } })).toEqual(['p', '0/2', 'Pending', '0', '5s', '<none>', '<none>', '<none>', '<none>']);
  });
  test('running pod with IP and node', () => {
    expect(cells('', 'pods', base({ phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], containerStatuses: [running('app')] }))).toEqual(['web-1', '1/1', 'Running', '0', '5m', '10.244.1.5', 'w1-k8s', '<none>', '<none>']);
  });
  test('waiting reasons win: ContainerCreating, ErrImagePull, ImagePullBackOff', () => {
    for (const reason of ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']) {
      const c = cells('', 'pods', base({ phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason } } }] }));
      expect(c.slice(1, 4)).toEqual(['0/1', reason, '0']);
    }
  });
  test('CrashLoopBackOff shows restarts with the age of the last termination', () => {
    const c = cells('', 'pods', base({
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(42) } } }],
    }));
    expect(c.slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '4 (42s ago)']);
  });
  test('completed and errored pods', () => {
    expect(cells('', 'pods', base({ phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] })).slice(1, 3)).toEqual(['0/1', 'Completed']);
    expect(cells('', 'pods', base({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }] })).slice(1, 3)).toEqual(['0/1', 'Error']);
    expect(cells('', 'pods', base({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }] }))[2]).toBe('ExitCode:137');
    expect(cells('', 'pods', base({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] }))[2]).toBe('Signal:9');
  });
  test('succeeded/failed pods carry the Completed row condition', () => {
    const t = toTable({ group: '', resource: 'pods' }, [{ apiVersion: 'v1', kind: 'Pod', ...base({ phase: 'Succeeded' }) } as KubeObject], { wide: true, includeObject: 'None', now: NOW });
    expect(t.rows[0].conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });
  test('one container completed while another still runs reports Running / NotReady', () => {
    const statuses = [running('a'), { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    expect(cells('', 'pods', base({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses }, spec))[2]).toBe('Running');
    expect(cells('', 'pods', base({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: statuses }, spec))[2]).toBe('NotReady');
  });
  test('terminating pod', () => {
    const pod = base({ phase: 'Running', containerStatuses: [running('app')] });
    expect(cells('', 'pods', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: ago(1) } })[2]).toBe('Terminating');
  });
  test('init containers: Init:0/2, Init:CrashLoopBackOff, Init:Error, Init:ExitCode', () => {
    const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'app' }] };
    const waitingApp = [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }];
    expect(cells('', 'pods', base({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, state: { running: {} } }, { name: 'i2', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }], containerStatuses: waitingApp }, spec)).slice(1, 4)).toEqual(['0/1', 'Init:0/2', '0']);
    expect(cells('', 'pods', base({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(10) } } }], containerStatuses: waitingApp }, spec)).slice(1, 4)).toEqual(['0/1', 'Init:CrashLoopBackOff', '3 (10s ago)']);
    expect(cells('', 'pods', base({ phase: 'Failed', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, spec))[2]).toBe('Init:Error');
    expect(cells('', 'pods', base({ phase: 'Failed', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }, spec))[2]).toBe('Init:ExitCode:3');
  });
  test('sidecar (restartable init) containers count towards READY and RESTARTS', () => {
    const spec = { initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'app' }] };
    const c = cells('', 'pods', base({
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'side', ready: true, started: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(130) } } }],
      containerStatuses: [running('app')],
    }, spec));
    expect(c.slice(1, 4)).toEqual(['2/2', 'Running', '1 (2m10s ago)']);
  });
  test('scheduling gates and readiness gates', () => {
    expect(cells('', 'pods', base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }, { nodeName: undefined }))[2]).toBe('SchedulingGated');
    const c = cells('', 'pods', base({ phase: 'Running', nominatedNodeName: 'w2-k8s', conditions: [{ type: 'x/one', status: 'True' }, { type: 'x/two', status: 'False' }], containerStatuses: [running('app')] }, { readinessGates: [{ conditionType: 'x/one' }, { conditionType: 'x/two' }] }));
    expect(c.slice(7)).toEqual(['w2-k8s', '1/2']);
  });
});

describe('nodes', () => {
  const node = (labels: Record<string, string>, ready: string | undefined, unschedulable = false) => ({
    metadata: { name: 'm-k8s', creationTimestamp: ago(3 * 86400 + 3600), labels },
    spec: unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: ready === undefined ? [] : [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'm-k8s' }],
      nodeInfo: { kubeletVersion: 'v1.35.2', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'containerd://1.7.24' },
    },
  });
  test('headers', () => {
    expect(headers('', 'nodes')).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', '(Internal-IP)', '(External-IP)', '(OS-Image)', '(Kernel-Version)', '(Container-Runtime)']);
  });
  test('control-plane node, ready', () => {
    expect(cells('', 'nodes', node({ 'node-role.kubernetes.io/control-plane': '' }, 'True'))).toEqual(['m-k8s', 'Ready', 'control-plane', '3d1h', 'v1.35.2', '192.168.1.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.7.24']);
  });
  test('cordoned, not ready, unknown; roles sorted and legacy role label', () => {
    expect(cells('', 'nodes', node({ 'node-role.kubernetes.io/worker': '', 'kubernetes.io/role': 'edge' }, 'True', true)).slice(1, 3)).toEqual(['Ready,SchedulingDisabled', 'edge,worker']);
    expect(cells('', 'nodes', node({}, 'False')).slice(1, 3)).toEqual(['NotReady', '<none>']);
    expect(cells('', 'nodes', node({}, 'Unknown'))[1]).toBe('NotReady');
    expect(cells('', 'nodes', node({}, undefined, true))[1]).toBe('Unknown,SchedulingDisabled');
  });
});

describe('workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };
  test('deployments', () => {
    expect(headers('apps', 'deployments')).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', '(Containers)', '(Images)', '(Selector)']);
    expect(cells('apps', 'deployments', { metadata: meta('web', 125), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }))
      .toEqual(['web', '2/3', 3, 2, '2m5s', 'nginx,log', 'nginx:1.27,busybox', 'app=web']);
    expect(cells('apps', 'deployments', { metadata: meta('new', 1), spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template }, status: {} }).slice(1, 4)).toEqual(['0/1', 0, 0]);
  });
  test('replicasets', () => {
    expect(headers('apps', 'replicasets')).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', '(Containers)', '(Images)', '(Selector)']);
    expect(cells('apps', 'replicasets', { metadata: meta('web-5d8f', 3600), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } }, template }, status: { replicas: 3, readyReplicas: 1 } }))
      .toEqual(['web-5d8f', 3, 3, 1, '60m', 'nginx,log', 'nginx:1.27,busybox', 'app=web,pod-template-hash=5d8f']);
  });
  test('daemonsets', () => {
    expect(headers('apps', 'daemonsets')).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', '(Containers)', '(Images)', '(Selector)']);
    expect(cells('apps', 'daemonsets', { metadata: meta('agent', 30), spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } } }, status: { desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 3, updatedNumberScheduled: 4, numberAvailable: 3 } }))
      .toEqual(['agent', 4, 4, 3, 4, 3, 'kubernetes.io/os=linux', '30s', 'a', 'agent:1', 'app=agent']);
    expect(cells('apps', 'daemonsets', { metadata: meta('agent'), spec: { template: { spec: { containers: [] } } }, status: {} })[6]).toBe('<none>');
  });
  test('statefulsets', () => {
    expect(headers('apps', 'statefulsets')).toEqual(['Name', 'Ready', 'Age', '(Containers)', '(Images)']);
    expect(cells('apps', 'statefulsets', { metadata: meta('db', 600), spec: { replicas: 3, template }, status: { readyReplicas: 3 } })).toEqual(['db', '3/3', '10m', 'nginx,log', 'nginx:1.27,busybox']);
  });
  test('jobs: status, completions and duration', () => {
    expect(headers('batch', 'jobs')).toEqual(['Name', 'Status', 'Completions', 'Duration', 'Age', '(Containers)', '(Images)', '(Selector)']);
    const job = (spec: Record<string, unknown>, status: Record<string, unknown>, extraMeta = {}) =>
      cells('batch', 'jobs', { metadata: { ...meta('pi', 200), ...extraMeta }, spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, ...spec }, status });
    expect(job({ completions: 1, parallelism: 1 }, { succeeded: 1, startTime: ago(200), completionTime: ago(190), conditions: [{ type: 'Complete', status: 'True' }] }))
      .toEqual(['pi', 'Complete', '1/1', '10s', '3m20s', 'nginx,log', 'nginx:1.27,busybox', 'batch.kubernetes.io/controller-uid=abc']);
    expect(job({ completions: 5, parallelism: 2 }, { succeeded: 2, startTime: ago(65) }).slice(1, 4)).toEqual(['Running', '2/5', '65s']);
    expect(job({ parallelism: 3 }, {}).slice(1, 4)).toEqual(['Running', '0/1 of 3', '']);
    expect(job({}, { conditions: [{ type: 'Failed', status: 'True' }] })[1]).toBe('Failed');
    expect(job({}, { conditions: [{ type: 'Suspended', status: 'True' }] })[1]).toBe('Suspended');
    expect(job({}, {}, { deletionTimestamp: ago(1) })[1]).toBe('Terminating');
  });
  test('cronjobs', () => {
    expect(headers('batch', 'cronjobs')).toEqual(['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', '(Containers)', '(Images)', '(Selector)']);
    expect(cells('batch', 'cronjobs', { metadata: meta('tick', 7200), spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template } } }, status: { active: [{ name: 'tick-1' }], lastScheduleTime: ago(20) } }))
      .toEqual(['tick', '*/1 * * * *', '<none>', 'False', 1, '20s', '120m', 'nginx,log', 'nginx:1.27,busybox', '<none>']);
    expect(cells('batch', 'cronjobs', { metadata: meta('t'), spec: { schedule: '@daily', timeZone: 'Asia/Seoul', jobTemplate: { spec: { template } } }, status: {} }).slice(2, 6)).toEqual(['Asia/Seoul', '<unset>', 0, '<none>']);
  });
});

describe('services and endpoints', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => cells('', 'services', { metadata: meta('web', 90), spec, status });
  test('headers', () => {
    expect(headers('', 'services')).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', '(Selector)']);
  });
  test('ClusterIP, NodePort, LoadBalancer, ExternalName, headless', () => {
    expect(svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' } }))
      .toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '90s', 'app=web']);
    expect(svc({ type: 'NodePort', clusterIPs: ['10.96.1.1'], ports: [{ port: 80, nodePort: 31234, protocol: 'TCP' }] }).slice(1, 5)).toEqual(['NodePort', '10.96.1.1', '<none>', '80:31234/TCP']);
    expect(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }] })[3]).toBe('<pending>');
    expect(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [] }, { loadBalancer: { ingress: [{ ip: '192.168.1.240' }, { hostname: 'lb.example' }] } }).slice(3, 5)).toEqual(['192.168.1.240,lb.example', '<none>']);
    expect(svc({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }, { loadBalancer: { ingress: [{ ip: '192.168.1.240' }] } })[3]).toBe('192.168.1.240,1.2.3.4');
    expect(svc({ type: 'ExternalName', externalName: 'db.example.com' }).slice(1, 5)).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>']);
    expect(svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], externalIPs: ['5.6.7.8'] }).slice(2, 4)).toEqual(['None', '5.6.7.8']);
  });
  test('endpoints list at most three addresses', () => {
    expect(headers('', 'endpoints')).toEqual(['Name', 'Endpoints', 'Age']);
    expect(cells('', 'endpoints', { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] })[1]).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
    expect(cells('', 'endpoints', { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] })[1]).toBe('10.0.0.1:80');
    expect(cells('', 'endpoints', { metadata: meta('web') })[1]).toBe('<none>');
  });
  test('endpointslices', () => {
    expect(headers('discovery.k8s.io', 'endpointslices')).toEqual(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    expect(cells('discovery.k8s.io', 'endpointslices', { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }] }))
      .toEqual(['web-abc', 'IPv4', '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '65s']);
    expect(cells('discovery.k8s.io', 'endpointslices', { metadata: meta('e'), addressType: 'IPv4', endpoints: [] }).slice(2, 4)).toEqual(['<unset>', '<unset>']);
  });
});

describe('config and identity', () => {
  test('namespaces, configmaps, secrets, serviceaccounts', () => {
    expect(headers('', 'namespaces')).toEqual(['Name', 'Status', 'Age']);
    expect(cells('', 'namespaces', { metadata: { name: 'dev', creationTimestamp: ago(10) }, status: { phase: 'Active' } })).toEqual(['dev', 'Active', '10s']);
    expect(headers('', 'configmaps')).toEqual(['Name', 'Data', 'Age']);
    expect(cells('', 'configmaps', { metadata: meta('cfg'), data: { a: '1', b: '' }, binaryData: { c: 'AA==' } })).toEqual(['cfg', 3, '65s']);
    expect(headers('', 'secrets')).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(cells('', 'secrets', { metadata: meta('pw'), type: 'Opaque', data: { password: 'czNjcjN0' } })).toEqual(['pw', 'Opaque', 1, '65s']);
    expect(headers('', 'serviceaccounts')).toEqual(['Name', 'Secrets', 'Age']);
    expect(cells('', 'serviceaccounts', { metadata: meta('default') })).toEqual(['default', 0, '65s']);
  });
  test('rbac (roles have no printer upstream: default table)', () => {
    expect(headers('rbac.authorization.k8s.io', 'roles')).toEqual(['Name', 'Created At']);
    expect(cells('rbac.authorization.k8s.io', 'roles', { metadata: { name: 'reader', creationTimestamp: '2026-01-10T11:58:00Z' } })).toEqual(['reader', '2026-01-10T11:58:00Z']);
    expect(headers('rbac.authorization.k8s.io', 'rolebindings')).toEqual(['Name', 'Role', 'Age', '(Users)', '(Groups)', '(ServiceAccounts)']);
    expect(cells('rbac.authorization.k8s.io', 'rolebindings', { metadata: meta('rb'), roleRef: { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'User', name: 'bob' }, { kind: 'ServiceAccount', name: 'robot', namespace: 'default' }] }))
      .toEqual(['rb', 'Role/reader', '65s', 'alice, bob', '', 'default/robot']);
    expect(headers('rbac.authorization.k8s.io', 'clusterrolebindings')).toEqual(['Name', 'Role', 'Age', '(Users)', '(Groups)', '(ServiceAccounts)']);
  });
});

describe('storage', () => {
  test('persistentvolumes', () => {
    expect(headers('', 'persistentvolumes')).toEqual(['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', '(VolumeMode)']);
    expect(cells('', 'persistentvolumes', { metadata: { name: 'pv1', creationTimestamp: ago(100) }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'manual', volumeMode: 'Filesystem' }, status: { phase: 'Bound' } }))
      .toEqual(['pv1', '1Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'manual', '<unset>', '', '100s', 'Filesystem']);
  });
  test('persistentvolumeclaims', () => {
    expect(headers('', 'persistentvolumeclaims')).toEqual(['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', '(VolumeMode)']);
    expect(cells('', 'persistentvolumeclaims', { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Mi' } }, storageClassName: 'standard' }, status: { phase: 'Pending' } }))
      .toEqual(['data', 'Pending', '', '', '', 'standard', '<unset>', '65s', '<unset>']);
    expect(cells('', 'persistentvolumeclaims', { metadata: meta('data'), spec: { volumeName: 'pv1', storageClassName: 'manual', volumeMode: 'Filesystem' }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }))
      .toEqual(['data', 'Bound', 'pv1', '1Gi', 'RWO', 'manual', '<unset>', '65s', 'Filesystem']);
  });
  test('storageclasses', () => {
    expect(headers('storage.k8s.io', 'storageclasses')).toEqual(['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
    expect(cells('storage.k8s.io', 'storageclasses', { metadata: { name: 'standard', creationTimestamp: ago(60), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubelab.io/hostpath', volumeBindingMode: 'WaitForFirstConsumer' }))
      .toEqual(['standard (default)', 'kubelab.io/hostpath', 'Delete', 'WaitForFirstConsumer', false, '60s']);
  });
});

describe('events', () => {
  test('headers and core/v1 event', () => {
    expect(headers('', 'events')).toEqual(['Last Seen', 'Type', 'Reason', 'Object', '(Subobject)', '(Source)', 'Message', '(First Seen)', '(Count)', '(Name)']);
    expect(cells('', 'events', { metadata: meta('web-1.17a'), involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' }, reason: 'Pulled', type: 'Normal', message: 'Successfully pulled image "nginx"\n', source: { component: 'kubelet', host: 'w1-k8s' }, firstTimestamp: ago(300), lastTimestamp: ago(30), count: 3 }))
      .toEqual(['30s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, w1-k8s', 'Successfully pulled image "nginx"', '5m', 3, 'web-1.17a']);
  });
  test('new-style event with only eventTime and series', () => {
    expect(cells('', 'events', { metadata: meta('e'), involvedObject: { kind: 'Node' }, reason: 'Starting', type: 'Normal', message: 'x', eventTime: ago(50), reportingController: 'kubelet', reportingInstance: 'm-k8s' }))
      .toEqual(['50s', 'Normal', 'Starting', 'node', '', 'kubelet, m-k8s', 'x', '50s', 1, 'e']);
    expect(cells('', 'events', { metadata: meta('e'), involvedObject: { kind: 'Pod', name: 'p' }, eventTime: ago(500), series: { count: 7, lastObservedTime: ago(4) } }).slice(0, 1)).toEqual(['4s']);
  });
  test('events.k8s.io/v1 events', () => {
    const t = toTable({ group: 'events.k8s.io', resource: 'events' }, [{ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta('ev'), regarding: { kind: 'Deployment', name: 'web' }, note: 'Scaled up', reason: 'ScalingReplicaSet', type: 'Normal', deprecatedFirstTimestamp: ago(20), deprecatedLastTimestamp: ago(10), deprecatedCount: 2, deprecatedSource: { component: 'deployment-controller' } } as KubeObject], { wide: true, includeObject: 'None', now: NOW });
    expect(t.rows[0].cells).toEqual(['10s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '20s', 2, 'ev']);
  });
});

describe('networking, policy, coordination, scheduling, autoscaling, quota', () => {
  test('networkpolicies, controllerrevisions, podtemplates', () => {
    expect(cells('networking.k8s.io', 'networkpolicies', { metadata: meta('deny'), spec: { podSelector: {} } })).toEqual(['deny', '<none>', '65s']);
    expect(cells('networking.k8s.io', 'networkpolicies', { metadata: meta('web'), spec: { podSelector: { matchLabels: { app: 'web' } } } })[1]).toBe('app=web');
    expect(cells('apps', 'controllerrevisions', { metadata: { ...meta('agent-7d'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] }, revision: 2 })).toEqual(['agent-7d', 'daemonset.apps/agent', 2, '65s']);
    expect(cells('', 'podtemplates', { metadata: meta('t'), template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } })).toEqual(['t', 'c', 'i', 'app=x']);
  });
  test('ingresses', () => {
    expect(headers('networking.k8s.io', 'ingresses')).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    expect(cells('networking.k8s.io', 'ingresses', { metadata: meta('ing'), spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example' }, { host: 'b.example' }], tls: [{ hosts: ['a.example'] }] }, status: { loadBalancer: { ingress: [{ ip: '192.168.1.240' }] } } }))
      .toEqual(['ing', 'nginx', 'a.example,b.example', '192.168.1.240', '80, 443', '65s']);
    expect(cells('networking.k8s.io', 'ingresses', { metadata: meta('ing'), spec: { rules: [{ http: {} }] } }).slice(1, 5)).toEqual(['<none>', '*', '', '80']);
  });
  test('poddisruptionbudgets', () => {
    expect(headers('policy', 'poddisruptionbudgets')).toEqual(['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(cells('policy', 'poddisruptionbudgets', { metadata: meta('pdb'), spec: { minAvailable: 1 }, status: { disruptionsAllowed: 2 } })).toEqual(['pdb', '1', 'N/A', 2, '65s']);
    expect(cells('policy', 'poddisruptionbudgets', { metadata: meta('pdb'), spec: { maxUnavailable: '25%' } }).slice(1, 4)).toEqual(['N/A', '25%', 0]);
  });
  test('leases and priorityclasses', () => {
    expect(cells('coordination.k8s.io', 'leases', { metadata: meta('w1-k8s', 3), spec: { holderIdentity: 'w1-k8s' } })).toEqual(['w1-k8s', 'w1-k8s', '3s']);
    expect(headers('scheduling.k8s.io', 'priorityclasses')).toEqual(['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    expect(cells('scheduling.k8s.io', 'priorityclasses', { metadata: { name: 'high', creationTimestamp: ago(5) }, value: 1000, preemptionPolicy: 'PreemptLowerPriority' })).toEqual(['high', 1000, false, '5s', 'PreemptLowerPriority']);
  });
  test('horizontalpodautoscalers (v2 and v1)', () => {
    expect(headers('autoscaling', 'horizontalpodautoscalers')).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    const v2 = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }, status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] } } as KubeObject;
    const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 80 }, status: { currentReplicas: 1 } } as KubeObject;
    const rows = toTable({ group: 'autoscaling', resource: 'horizontalpodautoscalers' }, [v2, v1], { wide: true, includeObject: 'None', now: NOW }).rows;
    expect(rows[0].cells).toEqual(['web', 'Deployment/web', 'cpu: 12%/50%', '1', 5, 2, '65s']);
    expect(rows[1].cells).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/80%', '<unset>', 3, 1, '65s']);
    const many = { ...v2, spec: { ...(v2.spec as object), metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
    ] }, status: { currentMetrics: [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '50Mi' } } }] } } as KubeObject;
    expect(toTable({ group: 'autoscaling', resource: 'horizontalpodautoscalers' }, [many], { wide: true, includeObject: 'None', now: NOW }).rows[0].cells[2]).toBe('memory: 50Mi/100Mi, <unknown>/10 + 1 more...');
  });
  test('resourcequotas split requests and limits', () => {
    expect(cells('', 'resourcequotas', { metadata: meta('q'), status: { hard: { pods: '10', cpu: '1', 'limits.memory': '2Gi' }, used: { pods: '2', cpu: '200m' } } }))
      .toEqual(['q', 'cpu: 200m/1, pods: 2/10', 'limits.memory: 0/2Gi', '65s']);
    expect(headers('', 'resourcequotas')).toEqual(['Name', 'Request', 'Limit', 'Age']);
  });
});
