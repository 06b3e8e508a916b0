// Image pulls for the Docker runtime: through the sandbox's own Docker daemon, whose only source is
// the offline mirror. Tags the mirror lacks fail like containerd reports a missing tag.
import type Docker from 'dockerode';
import { parseImageReference } from '../../image-ref';
import { ImagePullError, type ImageInfo } from '../../runtime';

/** Asks the mirror (host:port) whether it has `path:tag` (undefined when the mirror cannot be asked). */
async function mirrorHas(mirror: string | undefined, path: string, tag: string): Promise<boolean | undefined> {
  if (!mirror) return undefined;
  try {
    const res = await fetch(`http://${mirror}/v2/${path}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      signal: AbortSignal.timeout(5000),
    });
    return res.status === 200;
  } catch {
    return undefined;
  }
}

export async function inspectImage(docker: Docker, image: string): Promise<ImageInfo | undefined> {
  const ref = parseImageReference(image);
  if (!ref) return undefined;
  try {
    const info = await docker.getImage(ref.normalized).inspect();
    const digest = (info.RepoDigests ?? [])[0]?.split('@')[1] ?? info.Id;
    return { imageRef: ref.normalized, imageID: `${ref.repository}@${digest}`, size: info.Size };
  } catch {
    return undefined;
  }
}

export async function pullImage(docker: Docker, image: string, mirror: string | undefined): Promise<ImageInfo> {
  const ref = parseImageReference(image);
  if (!ref) throw new ImagePullError(`rpc error: code = InvalidArgument desc = failed to pull and unpack image "${image}": invalid reference format`);
  const notFound = () =>
    new ImagePullError(`rpc error: code = NotFound desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": ${ref.normalized}: not found`, 'NotFound');
  if (ref.registry === 'docker.io' && ref.tag && (await mirrorHas(mirror, ref.path, ref.tag)) === false) throw notFound();
  try {
    const stream = await docker.pull(ref.normalized);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = err?.message ?? out.find((o) => o.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      });
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/not found|manifest unknown/i.test(message)) throw notFound();
    throw new ImagePullError(
      `rpc error: code = Unavailable desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": ${message.split('\n')[0]}`,
      'Unavailable',
    );
  }
  const info = await inspectImage(docker, image);
  if (!info) throw notFound();
  return info;
}
