// kube-proxy for the Docker runtime, in userspace: every Service's ClusterIP is added to the sandbox's
// loopback interface, and each TCP port (plus its NodePort on every address of the sandbox)
// gets a listener that forwards connections to a ready endpoint, round robin. Pods reach ClusterIPs
// through their gateway (the sandbox), the learner's shell reaches them directly. The kube-dns
// ClusterIP is served by ./dns.ts instead.
import { execFile } from 'node:child_process';
import type dgram from 'node:dgram';
import net from 'node:net';
import { promisify } from 'node:util';
import type { KubeObject, Store } from '../../../store/types';
import { startDnsServer } from './dns';

const run = promisify(execFile);
// The sandbox kernel may lack the dummy module (and cannot load it): ClusterIPs live on loopback,
// which accepts them as local addresses for traffic arriving from the pod bridge too.
const DUMMY = 'lo';
const SERVICES = { group: '', resource: 'services' };
const ENDPOINTS = { group: '', resource: 'endpoints' };

interface ServicePort {
  name?: string;
  port: number;
  nodePort?: number;
  protocol?: string;
}
interface Subset {
  addresses?: Array<{ ip: string }>;
  ports?: Array<{ name?: string; port: number; protocol?: string }>;
}

export class ServiceProxy {
  private readonly listeners = new Map<string, net.Server>();
  private readonly addresses = new Set<string>();
  private readonly cursor = new Map<string, number>();
  private dns?: dgram.Socket;
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), 1000);
  }

  /** Ready endpoint addresses of a service for a port name. */
  private endpoints(ns: string, name: string, portName: string | undefined): Array<{ ip: string; port: number }> {
    const ep = this.store.get(ENDPOINTS, ns, name) as (KubeObject & { subsets?: Subset[] }) | undefined;
    const out: Array<{ ip: string; port: number }> = [];
    for (const s of ep?.subsets ?? []) {
      const port = (s.ports ?? []).find((p) => (p.name ?? '') === (portName ?? '') || (s.ports ?? []).length === 1);
      if (!port) continue;
      for (const a of s.addresses ?? []) out.push({ ip: a.ip, port: port.port });
    }
    return out;
  }

  resolve(name: string): string[] | undefined {
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(name);
    if (!m) return undefined;
    const svc = this.store.get(SERVICES, m[2], m[1]) as (KubeObject & { spec?: { clusterIP?: string } }) | undefined;
    if (!svc) return undefined;
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None') return [ip];
    return this.endpoints(m[2], m[1], undefined).map((e) => e.ip);
  }

  private async listen(key: string, host: string, port: number, ns: string, svc: string, portName: string | undefined): Promise<void> {
    if (this.listeners.has(key)) return;
    const server = net.createServer((client) => {
      const targets = this.endpoints(ns, svc, portName);
      if (targets.length === 0) return client.destroy();
      const n = (this.cursor.get(key) ?? 0) % targets.length;
      this.cursor.set(key, n + 1);
      const upstream = net.connect({ host: targets[n].ip, port: targets[n].port });
      client.pipe(upstream).pipe(client);
      const close = () => (client.destroy(), upstream.destroy());
      client.on('error', close);
      upstream.on('error', close);
    });
    this.listeners.set(key, server);
    await new Promise<void>((resolve) => {
      server.once('error', () => resolve()); // port taken (e.g. the learner's own program): skip it
      server.listen(port, host, () => resolve());
    });
  }

  private async sync(): Promise<void> {
    const wanted = new Set<string>();
    const ips = new Set<string>();
    for (const svc of this.store.list(SERVICES).items as Array<KubeObject & { spec?: { clusterIP?: string; ports?: ServicePort[]; type?: string } }>) {
      const ns = svc.metadata.namespace ?? 'default';
      const name = svc.metadata.name ?? '';
      const ip = svc.spec?.clusterIP;
      const isDns = ns === 'kube-system' && svc.metadata.name === 'kube-dns';
      if (ip && ip !== 'None') ips.add(ip);
      if (isDns && ip) {
        if (!this.dns) {
          await this.addAddress(ip);
          this.dns = await startDnsServer(ip, (n) => this.resolve(n)).catch(() => undefined);
        }
        continue;
      }
      if (ns === 'default' && svc.metadata.name === 'kubernetes') continue;
      for (const p of svc.spec?.ports ?? []) {
        if ((p.protocol ?? 'TCP') !== 'TCP') continue;
        if (ip && ip !== 'None') {
          const key = `${ip}:${p.port}`;
          wanted.add(key);
          await this.addAddress(ip);
          await this.listen(key, ip, p.port, ns, name, p.name);
        }
        if (p.nodePort) {
          const key = `0.0.0.0:${p.nodePort}`;
          wanted.add(key);
          await this.listen(key, '0.0.0.0', p.nodePort, ns, name, p.name);
        }
      }
    }
    for (const [key, server] of this.listeners) {
      if (!wanted.has(key)) {
        server.close();
        this.listeners.delete(key);
      }
    }
    for (const ip of this.addresses) {
      if (!ips.has(ip)) {
        await run('ip', ['addr', 'del', `${ip}/32`, 'dev', DUMMY]).catch(() => undefined);
        this.addresses.delete(ip);
      }
    }
  }

  private async addAddress(ip: string): Promise<void> {
    if (this.addresses.has(ip)) return;
    await run('ip', ['addr', 'add', `${ip}/32`, 'dev', DUMMY]).catch(() => undefined);
    this.addresses.add(ip);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.listeners.values()) s.close();
    this.dns?.close();
  }
}
