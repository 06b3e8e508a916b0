import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { generateServingCerts, loadOrCreateServingCerts } from '@/sandbox/cluster/apiserver/tls';

describe('API server serving certificates', () => {
  const certs = generateServingCerts(['sandbox-7.example', '10.1.2.3']);
  const ca = new X509Certificate(certs.caCert);
  const leaf = new X509Certificate(certs.cert);

  it('makes a self-signed CA named kubernetes that signed the apiserver certificate', () => {
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=kubernetes');
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=kube-apiserver');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('names the in-cluster DNS names, loopback, the service IP and extra hosts', () => {
    for (const host of ['localhost', 'kubernetes.default.svc.cluster.local', 'm-k8s', 'sandbox-7.example']) expect(leaf.checkHost(host)).toBe(host);
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.168.1.10', '10.1.2.3']) expect(leaf.checkIP(ip)).toBe(ip);
    expect(leaf.checkHost('elsewhere.example')).toBeUndefined();
    expect(leaf.checkIP('10.9.9.9')).toBeUndefined();
  });

  it('gives a private key matching the certificate, valid for about a year (the CA for ten)', () => {
    const key = createPrivateKey(certs.key);
    expect(leaf.checkPrivateKey(key)).toBe(true);
    const year = 365 * 24 * 3600_000;
    expect(Date.parse(leaf.validTo) - Date.now()).toBeGreaterThan(year - 3600_000);
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(10 * year - 3600_000);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(Date.now());
  });

  it('completes a TLS handshake that verifies against the CA by name and by IP', async () => {
    const server = tls.createServer({ cert: certs.cert, key: certs.key }, (socket) => socket.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const talk = (servername?: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: certs.caCert, servername }, () => undefined);
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    try {
      await expect(talk('kubernetes.default.svc')).resolves.toBe('ok');
      await expect(talk()).resolves.toBe('ok');
      await expect(talk('not-in-the-cert.example')).rejects.toThrow(/altnames|Hostname/);
    } finally {
      server.close();
    }
  });

  it('reuses certificates kept in the data directory and replaces unusable ones', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-tls-'));
    try {
      const first = loadOrCreateServingCerts(dir);
      expect(loadOrCreateServingCerts(dir)).toEqual(first);
      writeFileSync(path.join(dir, 'pki', 'apiserver.key'), 'not a key');
      const replaced = loadOrCreateServingCerts(dir);
      expect(replaced.caCert).not.toBe(first.caCert);
      expect(readFileSync(path.join(dir, 'pki', 'apiserver.key'), 'utf8')).toBe(replaced.key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
