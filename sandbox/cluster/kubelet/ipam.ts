// Pod networking per node, Calico-style: each node owns a /24 of the cluster pod CIDR and hands
// out increasing addresses from it (a re-created pod gets a new IP; a restarted container keeps
// its pod's IP). The notes' clusters used 172.16.221.x on w1-k8s, 172.16.103.x on w2-k8s and
// 172.16.132.x on w3-k8s; those nodes get those blocks when the pod CIDR is a /16.

const knownBlocks: Record<string, number> = { 'm-k8s': 171, 'w1-k8s': 221, 'w2-k8s': 103, 'w3-k8s': 132 };

/**
 * Calico hands each node /26 blocks and keeps the block's first address for the node's IPIP tunnel;
 * the notes' first pods were 172.16.221.129 (w1) and 172.16.132.x (w3), i.e. blocks .128/26 and .0/26.
 */
const knownTunnelOffsets: Record<string, number> = { 'm-k8s': 128, 'w1-k8s': 128, 'w2-k8s': 128, 'w3-k8s': 0 };

/** The node's tunnel address offset inside its /24 (pods are allocated after it). */
export function tunnelOffset(nodeName: string): number {
  return knownTunnelOffsets[nodeName] ?? 0;
}

/** The Calico IPIP tunnel address of a node (annotation projectcalico.org/IPv4IPIPTunnelAddr). */
export function tunnelAddress(nodeCIDR: string, nodeName: string): string {
  return intToIp(parseCIDR(nodeCIDR).base + tunnelOffset(nodeName));
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCIDR(cidr: string): { base: number; bits: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new Error(`invalid CIDR ${JSON.stringify(cidr)}`);
  const bits = Number(m[2]);
  const base = ipToInt(m[1]);
  const size = 2 ** (32 - bits);
  return { base: base - (base % size), bits };
}

/** Assigns each node a distinct /24 inside `clusterCIDR` (known lab nodes get the notes' blocks). */
export function assignNodeCIDRs(clusterCIDR: string, nodeNames: string[]): Map<string, string> {
  const { base, bits } = parseCIDR(clusterCIDR);
  if (bits > 24) throw new Error(`pod CIDR ${clusterCIDR} is smaller than a /24 per node`);
  const blocks = 2 ** (24 - bits);
  const used = new Set<number>();
  const out = new Map<string, string>();
  const take = (name: string, index: number) => {
    used.add(index);
    out.set(name, `${intToIp(base + index * 256)}/24`);
  };
  for (const name of nodeNames) if (knownBlocks[name] !== undefined && knownBlocks[name] < blocks && !used.has(knownBlocks[name])) take(name, knownBlocks[name]);
  let next = 0;
  for (const name of nodeNames) {
    if (out.has(name)) continue;
    // A stable pseudo-random block per name keeps IPs looking like Calico's, falling back to the next free one.
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    let index = h % blocks;
    if (used.has(index)) {
      while (used.has(next) && next < blocks) next++;
      index = next;
    }
    if (index >= blocks) throw new Error(`pod CIDR ${clusterCIDR} has no free /24 for node ${name}`);
    take(name, index);
  }
  return out;
}

/** Hands out pod IPs from one node's /24: increasing, skipping addresses in use, wrapping around. */
export class NodeIPAM {
  private readonly base: number;
  private last: number;

  /** `reserved`: the tunnel address offset; allocation starts right after it. */
  constructor(readonly cidr: string, inUse: Iterable<string> = [], private readonly reserved = 0) {
    this.base = parseCIDR(cidr).base;
    this.last = reserved;
    for (const ip of inUse) {
      const off = ipToInt(ip) - this.base;
      if (off > this.last && off < 255) this.last = off;
    }
  }

  contains(ip: string): boolean {
    const off = ipToInt(ip) - this.base;
    return off > 0 && off < 255;
  }

  allocate(inUse: Set<string>): string {
    for (let i = 1; i <= 254; i++) {
      const off = ((this.last + i - 1) % 254) + 1;
      const ip = intToIp(this.base + off);
      if (off !== this.reserved && !inUse.has(ip)) {
        this.last = off;
        return ip;
      }
    }
    throw new Error(`no free pod IP left in ${this.cidr}`);
  }
}
