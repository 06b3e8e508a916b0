// A minimal cluster DNS server for pods on the Docker runtime: answers A queries for
// `<service>.<namespace>.svc.cluster.local` (ClusterIP, or the ready endpoint IPs of a headless
// service) and NXDOMAIN for everything else under cluster.local; other names get SERVFAIL (no
// upstream resolver is reachable from a sandbox).
import dgram from 'node:dgram';

export type Resolve = (name: string) => string[] | undefined;

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i];
    if (len >= 0xc0) throw new Error('compressed names are not expected in questions');
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += 1 + len;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

export function answer(query: Buffer, resolve: Resolve): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const ips = resolve(name);
  const inCluster = name === 'cluster.local' || name.endsWith('.cluster.local');
  const rcode = ips ? 0 : inCluster ? 3 : 2;
  const records = ips && qtype === 1 ? ips : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0400 | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(1, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(5, 6); // TTL 5 s: services change while learners work
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((p, k) => rr.writeUInt8(Number(p), 12 + k));
    return rr;
  });
  return Buffer.concat([header, question, ...answers]);
}

export function startDnsServer(address: string, resolve: Resolve): Promise<dgram.Socket> {
  return new Promise((ok, fail) => {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      try {
        const reply = answer(msg, resolve);
        if (reply) socket.send(reply, rinfo.port, rinfo.address);
      } catch {
        /* malformed query: drop it like a resolver under attack would */
      }
    });
    socket.once('error', fail);
    socket.bind(53, address, () => ok(socket));
  });
}
