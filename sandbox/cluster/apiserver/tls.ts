// Serving certificates for the API server. kubectl (client-go) only sends credentials over TLS,
// so like kubeadm we create a cluster CA ("kubernetes") and an apiserver certificate signed by it,
// and put the CA into the kubeconfig.
//
// Keys are ECDSA P-256 (kubeadm's `encryptionAlgorithm: ECDSA-P256`): generating two RSA-2048 keys
// and signing with them in JavaScript took 500–900 ms, most of a cluster's cold start; P-256 keys
// and signatures from Node's crypto take about a millisecond. Node cannot build certificates, so
// the X.509 structure is assembled here with node-forge's DER encoder (RFC 5280 §4.1).
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type forge from 'node-forge';

export interface ServingCerts {
  caCert: string;
  cert: string;
  key: string;
}

const SAN_DNS = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'm-k8s'];
const SAN_IPS = ['127.0.0.1', '::1', '10.96.0.1', '192.168.1.10'];

// Only forge's DER encoder: the whole library is 600 KB of code a running cluster never needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const asn1 = require('node-forge/lib/asn1') as typeof forge.asn1;
const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5 };

type Node = forge.asn1.Asn1;
const seq = (items: Node[]): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (dotted: string): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
const octets = (bytes: string): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const bitString = (bytes: string, unusedBits = 0): Node => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(unusedBits) + bytes);
const der = (node: Node): string => asn1.toDer(node).getBytes();
const binary = (buf: Buffer): string => buf.toString('binary');

function time(date: Date): Node {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function name(commonName: string): Node {
  const attribute = seq([oid(OID.commonName), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, Buffer.from(commonName, 'utf8').toString('binary'))]);
  return seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [attribute])]);
}

function extension(id: string, value: Node, critical = false): Node {
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff'));
  parts.push(octets(der(value)));
  return seq(parts);
}

/** KeyUsage is a named bit list: bit 0 is the most significant bit of the first byte, trailing zero bits dropped. */
function keyUsage(bits: number[]): Node {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] |= 0x80 >> bit % 8;
  return bitString(binary(bytes), 7 - (highest % 8));
}

function subjectAltName(dns: string[], ips: string[]): Node {
  const names = [
    ...dns.map((value) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, value)),
    ...ips.map((ip) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, binary(ipBytes(ip)))),
  ];
  return seq(names);
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(ip.includes('::') ? tail : '');
  const all = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

interface KeyPair {
  privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
  /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
  keyId: Buffer;
}

function ecKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const publicKeyBits = (asn1.fromDer(binary(spki)).value as Node[])[1].value as string;
  return { privateKey, spki, keyId: createHash('sha1').update(Buffer.from(publicKeyBits.slice(1), 'binary')).digest() };
}

function serialNumber(): Node {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive
  b[0] |= 0x01; // and no redundant leading zero byte
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, binary(b));
}

interface CertificateRequest {
  subject: string;
  issuer: string;
  years: number;
  subjectKey: KeyPair;
  issuerKey: KeyPair;
  extensions: Node[];
}

function issueCertificate(req: CertificateRequest): string {
  const now = Date.now();
  const algorithm = seq([oid(OID.ecdsaWithSha256)]);
  const tbs = seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x02')]),
    serialNumber(),
    algorithm,
    name(req.issuer),
    seq([time(new Date(now - 5 * 60_000)), time(new Date(now + req.years * 365 * 24 * 3600_000))]),
    name(req.subject),
    asn1.fromDer(binary(req.subjectKey.spki)),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [seq(req.extensions)]),
  ]);
  const tbsDer = der(tbs);
  const signature = sign('sha256', Buffer.from(tbsDer, 'binary'), req.issuerKey.privateKey);
  const certificate = Buffer.from(der(seq([tbs, algorithm, bitString(binary(signature))])), 'binary');
  return `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

export function generateServingCerts(extraHosts: string[] = []): ServingCerts {
  const caKey = ecKeyPair();
  const caCert = issueCertificate({
    subject: 'kubernetes',
    issuer: 'kubernetes',
    years: 10,
    subjectKey: caKey,
    issuerKey: caKey,
    extensions: [
      extension(OID.basicConstraints, seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff')]), true),
      extension(OID.keyUsage, keyUsage([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign]), true),
      extension(OID.subjectKeyIdentifier, octets(binary(caKey.keyId))),
    ],
  });

  const key = ecKeyPair();
  const ips = [...new Set([...SAN_IPS, ...extraHosts.filter((h) => isIP(h))])];
  const dns = [...new Set([...SAN_DNS, ...extraHosts.filter((h) => !isIP(h))])];
  const cert = issueCertificate({
    subject: 'kube-apiserver',
    issuer: 'kubernetes',
    years: 1,
    subjectKey: key,
    issuerKey: caKey,
    extensions: [
      extension(OID.basicConstraints, seq([])),
      extension(OID.keyUsage, keyUsage([KEY_USAGE.digitalSignature]), true),
      extension(OID.extKeyUsage, seq([oid(OID.serverAuth)])),
      extension(OID.authorityKeyIdentifier, seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, binary(caKey.keyId))])),
      extension(OID.subjectAltName, subjectAltName(dns, ips)),
    ],
  });
  return { caCert, cert, key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function stillValid(certs: ServingCerts): boolean {
  try {
    createPrivateKey(certs.key);
    return new Date(new X509Certificate(certs.cert).validTo).getTime() > Date.now() + 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

/** Loads certificates from `<dir>/pki` or creates them there (reused across restarts). */
export function loadOrCreateServingCerts(dir: string | undefined, extraHosts: string[] = []): ServingCerts {
  if (!dir) return generateServingCerts(extraHosts);
  const pki = path.join(dir, 'pki');
  const files = { caCert: path.join(pki, 'ca.crt'), cert: path.join(pki, 'apiserver.crt'), key: path.join(pki, 'apiserver.key') };
  if (Object.values(files).every((f) => existsSync(f))) {
    const loaded = { caCert: readFileSync(files.caCert, 'utf8'), cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
    if (stillValid(loaded)) return loaded;
  }
  const certs = generateServingCerts(extraHosts);
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  writeFileSync(files.caCert, certs.caCert);
  writeFileSync(files.cert, certs.cert);
  writeFileSync(files.key, certs.key, { mode: 0o600 });
  return certs;
}
