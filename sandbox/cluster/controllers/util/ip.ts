// IPv4 helpers for the Service IP allocator and the load-balancer pool.

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`invalid IPv4 address "${ip}"`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) throw new Error(`invalid IPv4 address "${ip}"`);
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIPv4(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    ipToInt(s);
    return true;
  } catch {
    return false;
  }
}

/** `10.96.0.0/12` → first and last address (inclusive). */
export function parseCIDR(cidr: string): { first: number; last: number; size: number } {
  const [ip, bitsStr] = cidr.split('/');
  const bits = Number(bitsStr);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`invalid CIDR "${cidr}"`);
  const size = 2 ** (32 - bits);
  const first = Math.floor(ipToInt(ip) / size) * size;
  return { first, last: first + size - 1, size };
}

/** A pool like MetalLB's: `192.168.1.11-192.168.1.13`, a CIDR, or a comma-separated mix. */
export function expandPool(pool: string): string[] {
  const out: string[] = [];
  for (const part of pool.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part.includes('-')) {
      const [a, b] = part.split('-').map((s) => ipToInt(s.trim()));
      for (let n = a; n <= b && out.length < 65536; n++) out.push(intToIp(n));
    } else if (part.includes('/')) {
      const { first, last } = parseCIDR(part);
      for (let n = first; n <= last && out.length < 65536; n++) out.push(intToIp(n));
    } else out.push(intToIp(ipToInt(part)));
  }
  return out;
}
