// DockerReader through the docker CLI inside the sandbox, for daemons the server cannot reach
// directly (the Docker driver's daemon lives in the sandbox container). `docker inspect` prints the
// Engine API's inspect JSON, so the checks see exactly what dockerode would return.
import type { DockerContainer, DockerImage, DockerNetwork, DockerReader, SandboxRunner } from '../targets';
import { shellQuote } from '../checks/sandbox';

const TIMEOUT_MS = 10_000;

export function dockerReaderViaCli(runner: SandboxRunner): DockerReader {
  async function json<T>(command: string, what: string): Promise<T | undefined> {
    const r = await runner.exec(command, { timeoutMs: TIMEOUT_MS });
    if (r.exitCode === 3) return undefined;
    // `inspect` prints an empty JSON list before its error; the learner only needs the error.
    if (r.exitCode !== 0) throw new Error(`Docker: ${what}: ${(r.stderr || r.stdout).trim().replace(/^\[\]\s*/, '') || `exit code ${r.exitCode}`}`);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`Docker: ${what}: unreadable output`);
    }
  }
  return {
    async containers() {
      return (await json<DockerContainer[]>('ids=$(docker ps -aq) || exit 1; if [ -z "$ids" ]; then echo "[]"; else docker inspect $ids; fi', 'listing containers')) ?? [];
    },
    async image(name) {
      const q = shellQuote(name);
      const info = await json<Omit<DockerImage, 'history'>[]>(missingIs3(`docker image inspect ${q}`, MISSING.image), `inspecting image ${name}`);
      if (!info?.[0]) return undefined;
      const r = await runner.exec(`docker history --no-trunc --format '{{json .}}' ${q}`, { timeoutMs: TIMEOUT_MS });
      if (r.exitCode !== 0) throw new Error(`Docker: reading the history of ${name}: ${r.stderr.trim() || `exit code ${r.exitCode}`}`);
      const history = r.stdout
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => ({ CreatedBy: String((JSON.parse(line) as { CreatedBy?: string }).CreatedBy ?? '') }));
      return { ...info[0], history };
    },
    async volumeExists(name) {
      // Only "no such volume" means absent: an unreachable daemon must not pass `exists: false`.
      return (await json<unknown[]>(missingIs3(`docker volume inspect ${shellQuote(name)}`, MISSING.volume), `inspecting volume ${name}`)) !== undefined;
    },
    async network(name) {
      const nets = await json<DockerNetwork[]>(missingIs3(`docker network inspect ${shellQuote(name)}`, MISSING.network), `inspecting network ${name}`);
      return nets?.[0];
    },
  };
}

/**
 * How the docker CLI says an object is missing (extended regular expressions, case-insensitive).
 * The wording depends on the CLI version, not only the daemon's: the Debian 20.10 client inside
 * the sandbox prints "Error: No such network: X" where newer clients relay the daemon's
 * "Error response from daemon: network X not found".
 */
export const MISSING = {
  image: 'no such image',
  volume: 'no such volume',
  network: 'no such network|network .* not found',
} as const;

/** Runs `command`; exit code 3 when its error says the object is missing, its own error otherwise. */
function missingIs3(command: string, missing: string): string {
  return `out=$(${command} 2>&1) && printf '%s' "$out" || { printf '%s' "$out" | grep -Eqi ${shellQuote(missing)} && exit 3; printf '%s' "$out" >&2; exit 1; }`;
}
