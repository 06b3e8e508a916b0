// Serving certificates for the API server. kubectl (client-go) only sends credentials over TLS,
// so like kubeadm we create a cluster CA ("kubernetes") and an apiserver certificate signed by it,
// and put the CA into the kubeconfig. Keys come from Node's crypto; node-forge builds the X.509.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface ServingCerts {
  caCert: string;
  cert: string;
  key: string;
}

const SAN_DNS = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'm-k8s'];
const SAN_IPS = ['127.0.0.1', '::1', '10.96.0.1', '192.168.1.10'];

function rsaKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

function serial(): string {
  // Positive serial number (leading byte < 0x80).
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 3600 * 1000);
}

export function generateServingCerts(extraHosts: string[] = []): ServingCerts {
  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca, 10);
  ca.setSubject([{ name: 'commonName', value: 'kubernetes' }]);
  ca.setIssuer([{ name: 'commonName', value: 'kubernetes' }]);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 1);
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(ca.subject.attributes);
  const ips = [...SAN_IPS, ...extraHosts.filter((h) => /^[\d.]+$|:/.test(h))];
  const dns = [...SAN_DNS, ...extraHosts.filter((h) => !/^[\d.]+$|:/.test(h))];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
    { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2, value })), ...[...new Set(ips)].map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(caKeys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { caCert: forge.pki.certificateToPem(ca), cert: forge.pki.certificateToPem(cert), key: keys.pem };
}

/** Loads certificates from `<dir>/pki` or creates them there (reused across restarts). */
export function loadOrCreateServingCerts(dir: string | undefined, extraHosts: string[] = []): ServingCerts {
  if (!dir) return generateServingCerts(extraHosts);
  const pki = path.join(dir, 'pki');
  const files = { caCert: path.join(pki, 'ca.crt'), cert: path.join(pki, 'apiserver.crt'), key: path.join(pki, 'apiserver.key') };
  if (Object.values(files).every((f) => existsSync(f))) {
    const loaded = { caCert: readFileSync(files.caCert, 'utf8'), cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
    const notAfter = forge.pki.certificateFromPem(loaded.cert).validity.notAfter;
    if (notAfter.getTime() > Date.now() + 24 * 3600 * 1000) return loaded;
  }
  const certs = generateServingCerts(extraHosts);
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  writeFileSync(files.caCert, certs.caCert);
  writeFileSync(files.cert, certs.cert);
  writeFileSync(files.key, certs.key, { mode: 0o600 });
  return certs;
}
