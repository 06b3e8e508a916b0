// The image mirror as sandboxes see it: a registry container serving the same storage as the
// loopback registry that `kubelab sandbox build` pushes to (read-only), attached to every sandbox
// network under the alias `mirror`. IP forwarding is off in it so it cannot bridge two sandboxes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { ensureNetwork, LABEL } from './network';

export const MIRROR_CONTAINER = 'kubelab-mirror';
export const MIRROR_ALIAS = 'mirror';
export const MIRROR_ADDRESS = `${MIRROR_ALIAS}:5000`;
const MIRROR_IMAGE = 'registry:2';

export async function ensureMirror(docker: Docker, stateDir: string): Promise<Docker.Container> {
  const container = docker.getContainer(MIRROR_CONTAINER);
  let info: Docker.ContainerInspectInfo | undefined;
  try {
    info = await container.inspect();
  } catch {
    /* create below */
  }
  if (!info) {
    // A network of its own to start on (a container created with network "none" cannot join others later).
    await ensureNetwork(docker, `${MIRROR_CONTAINER}-net`, {});
    const storage = path.join(stateDir, 'registry', 'storage');
    if (!existsSync(storage)) throw new Error(`the image mirror has no images yet (${storage} is missing): run "npx kubelab sandbox build"`);
    try {
      await docker.getImage(MIRROR_IMAGE).inspect();
    } catch {
      throw new Error(`the ${MIRROR_IMAGE} image is missing: run "npx kubelab sandbox build"`);
    }
    await docker
      .createContainer({
        name: MIRROR_CONTAINER,
        Image: MIRROR_IMAGE,
        Labels: { [LABEL]: 'mirror' },
        HostConfig: {
          Binds: [`${storage}:/var/lib/docker-registry:ro`],
          NetworkMode: `${MIRROR_CONTAINER}-net`,
          Sysctls: { 'net.ipv4.ip_forward': '0' },
          RestartPolicy: { Name: 'unless-stopped' },
          Memory: 256 * 1024 ** 2,
          PidsLimit: 256,
          CapDrop: ['ALL'],
        },
      })
      .catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 409) throw err;
      });
    info = await container.inspect();
  }
  if (!info.State.Running) await container.start().catch(() => undefined);
  return container;
}

/** Attaches the mirror to a sandbox network (idempotent). */
export async function connectMirror(docker: Docker, network: Docker.Network): Promise<void> {
  const info = (await network.inspect()) as { Containers?: Record<string, { Name: string }> };
  if (Object.values(info.Containers ?? {}).some((c) => c.Name === MIRROR_CONTAINER)) return;
  try {
    await network.connect({ Container: MIRROR_CONTAINER, EndpointConfig: { Aliases: [MIRROR_ALIAS] } });
  } catch (err) {
    if (!/already exists|already attached/i.test(String((err as Error).message))) throw err;
  }
}
