// Image reference parsing with Docker's normalisation rules, as containerd reports references:
// `nginx` → `docker.io/library/nginx:latest`, `sysnet4admin/echo-hname` →
// `docker.io/sysnet4admin/echo-hname:latest`, `registry.k8s.io/etcd:3.6.5-0` unchanged.

export interface ImageReference {
  /** `docker.io`, `registry.k8s.io`, `localhost:5000` … */
  registry: string;
  /** Path inside the registry: `library/nginx`, `sysnet4admin/echo-hname`. */
  path: string;
  /** Tag (defaults to `latest` when neither tag nor digest is given). */
  tag?: string;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest?: string;
  /** Repository as learners type it (`nginx`, `sysnet4admin/echo-hname`, `registry.k8s.io/etcd`). */
  familiar: string;
  /** `docker.io/library/nginx:latest` (or `…@sha256:…` for digest references). */
  normalized: string;
  /** `docker.io/library/nginx` */
  repository: string;
}

const referencePattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Returns undefined for a reference Docker would reject (`Nginx`, `nginx:`, `a b`). */
export function parseImageReference(image: string): ImageReference | undefined {
  const ref = image.trim();
  if (!ref || !referencePattern.test(ref.replace(/^([^/]+\.[^/]+|[^/]+:\d+|localhost)\//i, (m) => m.toLowerCase()))) return undefined;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = 'docker.io';
  let path = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      path = rest.slice(firstSlash + 1);
    }
  }
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!tag && !digest) tag = 'latest';
  const repository = `${registry}/${path}`;
  const familiar = registry === 'docker.io' ? path.replace(/^library\//, '') : repository;
  const normalized = digest ? `${repository}@${digest}` : `${repository}:${tag}`;
  return { registry, path, tag, digest, familiar, normalized, repository };
}
