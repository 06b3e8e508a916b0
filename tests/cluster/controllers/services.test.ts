import { StatusError } from '@/sandbox/cluster/api/errors';
import type { KubeObject } from '@/sandbox/cluster/store/types';
import { deployment, isRunningReady, podsOf, REFS, startTestCluster, waitFor, type TestCluster } from './harness';

function service(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }], ...spec } };
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('service allocation admission', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('allocates ClusterIPs in the service CIDR and rejects taken or out-of-range ones', () => {
    c = startTestCluster({ controllers: false, scheduler: false });
    const k = c.create(REFS.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { ports: [{ port: 443, targetPort: 6443 }] } });
    expect((k.spec as any).clusterIP).toBe('10.96.0.1');
    const a = c.create(REFS.services, service('a', {}));
    const ip = (a.spec as any).clusterIP as string;
    expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect((a.spec as any).clusterIPs).toEqual([ip]);
    const dup = thrown(() => c.create(REFS.services, service('b', { clusterIP: ip })));
    expect(dup.code).toBe(422);
    expect(dup.message).toBe(`Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`);
    const out = thrown(() => c.create(REFS.services, service('b', { clusterIP: '1.2.3.4' })));
    expect(out.message).toContain('the provided IP (1.2.3.4) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    const headless = c.create(REFS.services, service('h', { clusterIP: 'None' }));
    expect((headless.spec as any).clusterIPs).toEqual(['None']);
    // Updates keep the allocated IP.
    const again = structuredClone(a);
    delete (again.spec as any).clusterIP;
    delete (again.spec as any).clusterIPs;
    expect((c.update(REFS.services, again).spec as any).clusterIP).toBe(ip);
  });

  it('allocates NodePorts in range and rejects collisions', () => {
    c = startTestCluster({ controllers: false, scheduler: false });
    const np = c.create(REFS.services, service('np', { type: 'NodePort', ports: [{ port: 80, targetPort: 80, nodePort: 30080 }, { name: 'x', port: 81 }] }));
    expect((np.spec as any).ports[0].nodePort).toBe(30080);
    expect((np.spec as any).ports[1].nodePort).toBeGreaterThanOrEqual(30000);
    expect((np.spec as any).ports[1].nodePort).toBeLessThanOrEqual(32767);
    const err = thrown(() => c.create(REFS.services, service('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })));
    expect(err.message).toBe('Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const range = thrown(() => c.create(REFS.services, service('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })));
    expect(range.message).toContain('provided port is not in the valid range. The range of valid ports is 30000-32767');
    // Re-applying the same service keeps its ports.
    const same = structuredClone(np);
    delete (same.spec as any).ports[1].nodePort;
    expect((c.update(REFS.services, same).spec as any).ports[1].nodePort).toBe((np.spec as any).ports[1].nodePort);
  });

  it('rejects changing a Deployment selector', () => {
    c = startTestCluster({ controllers: false, scheduler: false });
    const d = c.create(REFS.deployments, deployment('web'));
    (d.spec as any).selector = { matchLabels: { app: 'other' } };
    (d.spec as any).template.metadata.labels = { app: 'other' };
    const err = thrown(() => c.update(REFS.deployments, d));
    expect(err.message).toBe('Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
  });
});

describe('endpoints and load balancers', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  it('fills Endpoints and EndpointSlices with ready pod IPs and resolves named ports', async () => {
    c = startTestCluster();
    const d = deployment('web', { replicas: 2 });
    (d.spec as any).template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
    c.create(REFS.deployments, d);
    c.create(REFS.services, service('web', { ports: [{ name: 'web', port: 80, targetPort: 'http' }] }));
    await waitFor(() => podsOf(c, 'web-').filter(isRunningReady).length === 2, 'pods');
    const ep = await waitFor(() => {
      const ep = c.get(REFS.endpoints, 'default', 'web');
      return (ep?.subsets as any)?.[0]?.addresses?.length === 2 ? ep : undefined;
    }, 'endpoints');
    const ips = podsOf(c, 'web-').map((p) => (p.status as any).podIP).sort();
    expect((ep!.subsets as any)[0].addresses.map((a: any) => a.ip).sort()).toEqual(ips);
    expect((ep!.subsets as any)[0].ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect((ep!.subsets as any)[0].addresses[0].targetRef.kind).toBe('Pod');
    const slice = await waitFor(() => c.list(REFS.endpointSlices, 'default').find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web' && (s.endpoints as any[]).length === 2), 'slice');
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    // Scale to zero: subsets disappear.
    const cur = c.get(REFS.deployments, 'default', 'web')!;
    (cur.spec as any).replicas = 0;
    c.update(REFS.deployments, cur);
    await waitFor(() => !c.get(REFS.endpoints, 'default', 'web')!.subsets, 'empty endpoints');
    c.store.delete(REFS.services, 'default', 'web');
    await waitFor(() => !c.get(REFS.endpoints, 'default', 'web') && !c.list(REFS.endpointSlices, 'default').some((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web'), 'cleaned up');
  });

  it('assigns load-balancer IPs from the pool and leaves the fourth pending', async () => {
    c = startTestCluster();
    for (const n of ['lb1', 'lb2', 'lb3', 'lb4']) c.create(REFS.services, service(n, { type: 'LoadBalancer' }));
    const ip = (n: string) => ((c.get(REFS.services, 'default', n)!.status as any)?.loadBalancer?.ingress ?? [])[0]?.ip;
    await waitFor(() => ['lb1', 'lb2', 'lb3'].every((n) => ip(n)), 'three IPs');
    expect(['lb1', 'lb2', 'lb3'].map(ip).sort()).toEqual(['192.168.1.11', '192.168.1.12', '192.168.1.13']);
    await waitFor(() => c.events('AllocationFailed').length > 0, 'allocation failure event');
    expect(ip('lb4')).toBeUndefined();
    const freed = ip('lb2');
    c.store.delete(REFS.services, 'default', 'lb2');
    await waitFor(() => ip('lb4') === freed, 'pending one gets the freed IP');
  });
});
