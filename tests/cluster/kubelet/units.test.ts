import { parseImageReference } from '@/sandbox/cluster/kubelet/image-ref';
import { assignNodeCIDRs, NodeIPAM, tunnelAddress, tunnelOffset } from '@/sandbox/cluster/kubelet/ipam';
import { goDuration } from '@/sandbox/cluster/kubelet/time';
import { resolveImage } from '@/sandbox/cluster/kubelet/runtimes/simulated/images';
import { runProgram, type ProgramContext } from '@/sandbox/cluster/kubelet/runtimes/simulated/program';

describe('image references', () => {
  test.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.16.0', 'docker.io/library/nginx:1.16.0'],
    ['sysnet4admin/echo-hname', 'docker.io/sysnet4admin/echo-hname:latest'],
    ['registry.k8s.io/etcd:3.6.5-0', 'registry.k8s.io/etcd:3.6.5-0'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
  ])('%s → %s', (ref, normalized) => {
    expect(parseImageReference(ref)?.normalized).toBe(normalized);
  });

  test.each(['Nginx', 'nginx:', 'a b', ''])('%j is invalid', (ref) => {
    expect(parseImageReference(ref)).toBeUndefined();
  });

  test('the simulated catalog has the lesson tags and not nginx:1.17.23', () => {
    for (const ok of ['nginx', 'nginx:1.15.12', 'nginx:1.16.0', 'nginx:1.17.2', 'busybox', 'sysnet4admin/echo-hname', 'kubelab/echo-hostname', 'hello-world']) expect(resolveImage(ok)).toBeDefined();
    for (const missing of ['nginx:1.17.23', 'nginx:alpine', 'mysql']) expect(resolveImage(missing)).toBeUndefined();
  });
});

describe('pod networks', () => {
  test('lab nodes get the notes\' blocks; others get distinct /24s', () => {
    const cidrs = assignNodeCIDRs('172.16.0.0/16', ['m-k8s', 'w1-k8s', 'w2-k8s', 'w3-k8s', 'w4-k8s', 'node-x']);
    expect(cidrs.get('w1-k8s')).toBe('172.16.221.0/24');
    expect(cidrs.get('w2-k8s')).toBe('172.16.103.0/24');
    expect(cidrs.get('w3-k8s')).toBe('172.16.132.0/24');
    expect(new Set(cidrs.values()).size).toBe(6);
    for (const c of cidrs.values()) expect(c).toMatch(/^172\.16\.\d+\.0\/24$/);
  });

  test('the first pod on w1-k8s gets 172.16.221.129 like the notes (Calico keeps .128 for the tunnel)', () => {
    const ipam = new NodeIPAM('172.16.221.0/24', [], tunnelOffset('w1-k8s'));
    expect(ipam.allocate(new Set())).toBe('172.16.221.129');
    expect(tunnelAddress('172.16.221.0/24', 'w1-k8s')).toBe('172.16.221.128');
    const w3 = new NodeIPAM('172.16.132.0/24', [], tunnelOffset('w3-k8s'));
    expect(w3.allocate(new Set())).toBe('172.16.132.1');
  });

  test('IPAM hands out increasing addresses, skips used ones and continues after existing ones', () => {
    const ipam = new NodeIPAM('172.16.221.0/24', ['172.16.221.7']);
    const used = new Set(['172.16.221.9']);
    const a = ipam.allocate(used);
    used.add(a);
    const b = ipam.allocate(used);
    expect([a, b]).toEqual(['172.16.221.8', '172.16.221.10']);
  });
});

describe('Go durations in events', () => {
  test.each([
    [512, '512ms'],
    [1200, '1.2s'],
    [15981, '15.981s'],
    [65200, '1m5.2s'],
  ])('%d ms → %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});

describe('simulated programs', () => {
  function ctx(out: string[]): ProgramContext {
    return { hostname: 'pod-1', env: { GREETING: 'hello' }, stdin: false, tty: false, files: new Map(), write: (_s, t) => out.push(t), sleep: async () => undefined, now: () => new Date('2026-01-02T03:04:05Z') };
  }
  const isServer = (p: string) => p === 'nginx';

  test.each([
    [['sh', '-c', 'echo $GREETING from $(hostname); exit 4'], 'hello from pod-1\n', 4],
    [['sh', '-c', 'for i in 1 2; do printf "%s-" $i; done; echo'], '1-2-\n', 0],
    [['sh', '-c', 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i'], '3\n', 0],
    [['sh', '-c', 'false || echo fallback && true'], 'fallback\n', 0],
    [['sh', '-c', 'if [ "$GREETING" = hello ]; then echo yes; else echo no; fi'], 'yes\n', 0],
    [['sh', '-c', 'echo saved > /tmp/f; cat /tmp/f'], 'saved\n', 0],
    [['sh', '-c', 'date'], 'Fri Jan 02 03:04:05 UTC 2026\n', 0],
    [['echo', 'a', 'b'], 'a b\n', 0],
    [['false'], '', 1],
    [['sh'], '', 0],
  ])('%j prints %j and exits %d', async (argv, output, code) => {
    const out: string[] = [];
    expect(await runProgram(argv, ctx(out), isServer, '')).toEqual({ kind: 'exit', code });
    expect(out.join('')).toBe(output);
  });

  test('servers run forever with known (empty) output; unmodelled commands run with unknown output', async () => {
    expect(await runProgram(['nginx', '-g', 'daemon off;'], ctx([]), isServer, '')).toEqual({ kind: 'serve', outputKnown: true });
    const r = await runProgram(['sh', '-c', 'curl http://x | grep y'], ctx([]), isServer, '');
    expect(r).toMatchObject({ kind: 'serve', outputKnown: false });
  });
});

describe('probe commands', () => {
  test('a looping probe command does not hang the process', async () => {
    const { evaluateProbeCommand } = await import('@/sandbox/cluster/kubelet/runtimes/simulated/program');
    const ctx = { hostname: 'p', env: {}, stdin: false, tty: false, files: new Map<string, string>(), write: () => undefined, sleep: async () => undefined, now: () => new Date() };
    expect(await evaluateProbeCommand(['sh', '-c', 'while true; do :; done'], ctx)).toBeUndefined();
    expect(await evaluateProbeCommand(['cat', '/tmp/missing'], ctx)).toEqual({ code: 1, output: "cat: can't open '/tmp/missing': No such file or directory\n" });
  });
});

describe('pod DNS', () => {
  test('ClusterFirst points at kube-dns with the namespace search path; host network and dnsConfig', async () => {
    const { podDNS } = await import('@/sandbox/cluster/kubelet/dns');
    const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec });
    expect(podDNS(pod({ dnsPolicy: 'ClusterFirst' }), '10.96.0.0/12')).toEqual({ nameservers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] });
    expect(podDNS(pod({ hostNetwork: true }), '10.96.0.0/12').nameservers).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(podDNS(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'], options: [{ name: 'ndots', value: '2' }] } }), '10.96.0.0/12')).toEqual({ nameservers: ['9.9.9.9'], searches: [], options: ['ndots:2'] });
  });
});
