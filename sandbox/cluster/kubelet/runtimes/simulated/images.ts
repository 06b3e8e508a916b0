// The images the simulated runtime can "pull": exactly the lesson images of the offline mirror
// (sandbox/images/catalog.ts, so both sandbox profiles agree on which tags exist — `nginx:1.17.23`
// deliberately does not), the notes' `sysnet4admin/echo-hname`, and the cluster's own
// infrastructure images (kube-system pods). Each image carries what the simulation needs to
// know about its program: the default command, the ports it serves and the pages it answers.
import { createHash } from 'node:crypto';
import { catalog, supportFiles } from '../../../../images/catalog';
import { parseImageReference, type ImageReference } from '../../image-ref';

export interface SimulatedImage {
  /** Repository as containerd names it: `docker.io/library/nginx`. */
  repository: string;
  tags: string[];
  entrypoint: string[];
  cmd: string[];
  /** TCP ports the default program listens on. */
  listens: number[];
  /** HTTP paths that answer 200 (others 404); undefined = every path answers 200. */
  httpPaths?: string[];
  /** Deterministic pseudo-size in bytes, reported by the `Pulled` event. */
  size: number;
}

/** Default program per catalog repository (what its Dockerfile's ENTRYPOINT/CMD run). */
const behaviours: Record<string, Omit<SimulatedImage, 'repository' | 'tags' | 'size'>> = {
  debian: { entrypoint: [], cmd: ['bash'], listens: [] },
  nginx: { entrypoint: [], cmd: ['nginx', '-g', 'daemon off;'], listens: [80], httpPaths: ['/', '/index.html', '/version'] },
  busybox: { entrypoint: [], cmd: ['sh'], listens: [] },
  'hello-world': { entrypoint: [], cmd: ['/hello'], listens: [] },
  httpd: { entrypoint: [], cmd: ['apachectl', '-D', 'FOREGROUND'], listens: [80], httpPaths: ['/', '/index.html'] },
  redis: { entrypoint: [], cmd: ['redis-server', '--protected-mode', 'no', '--bind', '0.0.0.0'], listens: [6379] },
  // Same nginx configuration as the nginx image: only the generated index page exists.
  'kubelab/echo-hostname': { entrypoint: [], cmd: ['/usr/local/bin/echo-hostname'], listens: [80], httpPaths: ['/', '/index.html'] },
  python: { entrypoint: [], cmd: ['python3'], listens: [] },
  registry: { entrypoint: [], cmd: ['/usr/bin/docker-registry', 'serve', '/etc/docker/registry/config.yml'], listens: [5000] },
};

/** Kubernetes version the simulated control plane reports. */
export const KUBERNETES_VERSION = 'v1.35.0';
export const ETCD_IMAGE = 'registry.k8s.io/etcd:3.6.5-0';
export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.12.1';
export const CALICO_VERSION = 'v3.30.3';

/** Images of the cluster's own components: they run as simulated containers on every profile. */
const infrastructure: Array<{ image: string; entrypoint?: string[]; cmd: string[]; listens: number[] }> = [
  { image: ETCD_IMAGE, cmd: ['etcd'], listens: [2379, 2380, 2381] },
  { image: `registry.k8s.io/kube-apiserver:${KUBERNETES_VERSION}`, cmd: ['kube-apiserver'], listens: [6443] },
  { image: `registry.k8s.io/kube-controller-manager:${KUBERNETES_VERSION}`, cmd: ['kube-controller-manager'], listens: [10257] },
  { image: `registry.k8s.io/kube-scheduler:${KUBERNETES_VERSION}`, cmd: ['kube-scheduler'], listens: [10259] },
  { image: `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`, cmd: ['/usr/local/bin/kube-proxy'], listens: [10249, 10256] },
  { image: COREDNS_IMAGE, entrypoint: ['/coredns'], cmd: [], listens: [53, 8080, 8181, 9153] },
  { image: 'registry.k8s.io/pause:3.10.1', cmd: ['/pause'], listens: [] },
  { image: `docker.io/calico/node:${CALICO_VERSION}`, cmd: ['start_runit'], listens: [9099] },
  { image: `docker.io/calico/cni:${CALICO_VERSION}`, cmd: ['/opt/cni/bin/install'], listens: [] },
  { image: `docker.io/calico/kube-controllers:${CALICO_VERSION}`, cmd: ['/usr/bin/kube-controllers'], listens: [9094] },
];

/** Programs the simulation treats as long-running servers (they run until stopped and print nothing). */
export const serverPrograms = new Set([
  'nginx', 'apachectl', 'httpd', 'redis-server', 'docker-registry', 'echo-hostname',
  'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'coredns', 'pause',
  'start_runit', 'kube-controllers',
]);

/** Set-up programs of infrastructure images that finish at once without output (Calico's CNI installers). */
export const oneShotPrograms = new Set(['install', 'calico-ipam']);

/** Deterministic pseudo-size in bytes (20–90 MB) for the `Pulled` event. */
function pseudoSize(repository: string): number {
  const h = createHash('sha256').update(repository).digest();
  return 20_000_000 + (h.readUInt32BE(0) % 70_000_000);
}

function build(): SimulatedImage[] {
  const images: SimulatedImage[] = [];
  for (const recipe of catalog) {
    const behaviour = behaviours[recipe.repository] ?? { entrypoint: [], cmd: ['sh'], listens: [] };
    const ref = parseImageReference(recipe.repository);
    if (!ref) continue;
    images.push({ repository: ref.repository, tags: [...recipe.tags], size: pseudoSize(ref.repository), ...behaviour });
  }
  // The notes use sysnet4admin/echo-hname; the mirror builds the same program as kubelab/echo-hostname.
  images.push({ repository: 'docker.io/sysnet4admin/echo-hname', tags: ['latest'], size: pseudoSize('echo-hname'), ...behaviours['kubelab/echo-hostname'] });
  for (const infra of infrastructure) {
    const ref = parseImageReference(infra.image)!;
    const existing = images.find((i) => i.repository === ref.repository);
    if (existing) existing.tags.push(ref.tag!);
    else images.push({ repository: ref.repository, tags: [ref.tag!], entrypoint: infra.entrypoint ?? [], cmd: infra.cmd, listens: infra.listens, size: pseudoSize(ref.repository) });
  }
  return images;
}

export const simulatedImages: SimulatedImage[] = build();

export interface ResolvedImage {
  ref: ImageReference;
  image: SimulatedImage;
  /** `docker.io/library/nginx:latest` */
  imageRef: string;
  /** `docker.io/library/nginx@sha256:…` (deterministic per repository:tag). */
  imageID: string;
}

/** Finds `image` (as written in a pod spec) in the catalog; undefined if the mirror does not have it. */
export function resolveImage(image: string): ResolvedImage | undefined {
  const ref = parseImageReference(image);
  if (!ref) return undefined;
  const found = simulatedImages.find((i) => i.repository === ref.repository);
  if (!found) return undefined;
  if (ref.digest) {
    const tag = found.tags.find((t) => digestOf(found.repository, t) === ref.digest);
    if (!tag) return undefined;
    return { ref, image: found, imageRef: ref.normalized, imageID: `${found.repository}@${ref.digest}` };
  }
  if (!ref.tag || !found.tags.includes(ref.tag)) return undefined;
  return { ref, image: found, imageRef: ref.normalized, imageID: `${found.repository}@${digestOf(found.repository, ref.tag)}` };
}

function digestOf(repository: string, tag: string): string {
  return 'sha256:' + createHash('sha256').update(`kubelab-simulated:${repository}:${tag}`).digest('hex');
}

/** The text the hello-world image prints (taken from the script the mirror builds it from). */
export function helloWorldOutput(): string {
  const script = supportFiles['hello.sh'] ?? '';
  const m = /cat <<EOF\n([\s\S]*?)\nEOF/.exec(script);
  return m ? m[1] + '\n' : '';
}
