// DockerReader over the Docker Engine API of the learner's daemon (dockerode).
import Docker from 'dockerode';
import type { DockerContainer, DockerImage, DockerReader } from '../targets';

export function dockerReader(docker: Docker): DockerReader {
  return {
    async containers() {
      const summaries = await docker.listContainers({ all: true });
      const inspected = await Promise.all(summaries.map((s) => docker.getContainer(s.Id).inspect().catch(() => undefined)));
      return inspected.filter(Boolean) as unknown as DockerContainer[];
    },
    async image(name) {
      const image = docker.getImage(name);
      try {
        const [info, history] = await Promise.all([image.inspect(), image.history() as Promise<{ CreatedBy: string }[]>]);
        return { ...(info as unknown as Omit<DockerImage, 'history'>), history };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    async volumeExists(name) {
      try {
        await docker.getVolume(name).inspect();
        return true;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return false;
        throw err;
      }
    },
    async network(name) {
      try {
        return (await docker.getNetwork(name).inspect()) as { Name: string; Containers?: Record<string, { Name: string }> };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
  };
}
