// The pod's resolv.conf, as the kubelet's DNS configurer builds it from dnsPolicy and dnsConfig.
import type { KubeObject } from '../store/types';
import { nthAddress } from './system-pods';

const CLUSTER_DOMAIN = 'cluster.local';
/** The lab VMs' resolvers (the notes' /etc/resolv.conf). */
const HOST_NAMESERVERS = ['1.1.1.1', '8.8.8.8'];

export function podDNS(pod: KubeObject, serviceCIDR: string): { nameservers: string[]; searches: string[]; options: string[] } {
  const spec = pod.spec as { dnsPolicy?: string; hostNetwork?: boolean; dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name: string; value?: string }> } };
  const ns = pod.metadata.namespace ?? 'default';
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  // ClusterFirst on the host network falls back to the node's resolvers (ClusterFirstWithHostNet opts in).
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  let out: { nameservers: string[]; searches: string[]; options: string[] };
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    out = { nameservers: [nthAddress(serviceCIDR, 10)], searches: [`${ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN], options: ['ndots:5'] };
  } else if (policy === 'None') out = { nameservers: [], searches: [], options: [] };
  else out = { nameservers: [...HOST_NAMESERVERS], searches: [], options: [] };
  const cfg = spec.dnsConfig;
  if (cfg) {
    out.nameservers = [...new Set([...out.nameservers, ...(cfg.nameservers ?? [])])].slice(0, 3);
    out.searches = [...new Set([...out.searches, ...(cfg.searches ?? [])])].slice(0, 32);
    for (const o of cfg.options ?? []) {
      out.options = out.options.filter((x) => x.split(':')[0] !== o.name);
      out.options.push(o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    }
  }
  return out;
}
