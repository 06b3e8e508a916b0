// Docker checks, read through the Docker Engine API of the learner's own daemon.
import { compare, describeComparator, formatValue } from '../comparator';
import { listNames, outcome, type Outcome } from '../outcome';
import type { DockerContainerCheck, DockerContainerCountCheck, DockerImageCheck, DockerNetworkCheck, DockerVolumeCheck } from '../schema';
import type { DockerContainer, DockerReader } from '../targets';

const containerName = (c: DockerContainer) => c.Name.replace(/^\//, '');

export async function dockerContainer(c: DockerContainerCheck, docker: DockerReader): Promise<Outcome> {
  const wantRunning = c.running ?? true;
  const expected = describeContainerWanted(c, wantRunning);
  const candidates = (await docker.containers()).filter(
    (ct) => (c.name === undefined || compare(containerName(ct), c.name)) && (c.image === undefined || compare(ct.Config.Image, c.image)),
  );
  if (candidates.length === 0) return outcome(false, expected, `no container ${c.name !== undefined ? 'named ' + describeComparator(c.name) : 'from image ' + describeComparator(c.image!)}`);

  const verdicts = candidates.map((ct) => ({ ct, problems: containerProblems(c, ct, wantRunning) }));
  const match = verdicts.find((v) => v.problems.length === 0);
  if (match) return outcome(true, expected, `container ${containerName(match.ct)} matches`);
  const closest = verdicts.sort((a, b) => a.problems.length - b.problems.length)[0];
  return outcome(false, expected, `container ${containerName(closest.ct)}: ${closest.problems.join('; ')}`);
}

function describeContainerWanted(c: DockerContainerCheck, wantRunning: boolean): string {
  const parts = [`a ${wantRunning ? 'running' : 'stopped'} container`];
  if (c.name !== undefined) parts.push(`named ${describeComparator(c.name)}`);
  if (c.image !== undefined) parts.push(`from image ${describeComparator(c.image)}`);
  if (c.ports?.length) parts.push(`publishing ${c.ports.map((p) => `${p.host ?? '*'}->${p.container}/${p.protocol ?? 'tcp'}`).join(', ')}`);
  if (c.mounts?.length) parts.push(`mounting ${c.mounts.map((m) => `${m.type ?? 'a mount'} at ${m.destination}`).join(', ')}`);
  if (c.env) parts.push(`with env ${Object.keys(c.env).join(', ')}`);
  if (c.networks?.length) parts.push(`on networks ${c.networks.join(', ')}`);
  return parts.join(' ');
}

function containerProblems(c: DockerContainerCheck, ct: DockerContainer, wantRunning: boolean): string[] {
  const problems: string[] = [];
  if (ct.State.Running !== wantRunning) problems.push(`is ${ct.State.Status}`);
  const published = ct.NetworkSettings?.Ports ?? ct.HostConfig?.PortBindings ?? {};
  for (const p of c.ports ?? []) {
    const bindings = published[`${p.container}/${p.protocol ?? 'tcp'}`] ?? [];
    const ok = bindings.some((b) => p.host === undefined || Number(b.HostPort) === p.host);
    if (!ok) {
      const actual = bindings.map((b) => b.HostPort).filter(Boolean);
      problems.push(`port ${p.container}/${p.protocol ?? 'tcp'} ${actual.length ? `is published on ${actual.join(', ')}, not ${p.host}` : 'is not published'}`);
    }
  }
  for (const m of c.mounts ?? []) {
    const mount = (ct.Mounts ?? []).find((x) => x.Destination === m.destination);
    if (!mount) problems.push(`nothing is mounted at ${m.destination}`);
    else if (m.type && mount.Type !== m.type) problems.push(`${m.destination} is a ${mount.Type} mount, not a ${m.type}`);
    else if (m.source !== undefined && !compare(mount.Type === 'volume' ? mount.Name : mount.Source, m.source)) {
      problems.push(`${m.destination} comes from ${formatValue(mount.Type === 'volume' ? mount.Name : mount.Source)}, expected ${describeComparator(m.source)}`);
    }
  }
  const env = parseEnv(ct.Config.Env);
  for (const [key, want] of Object.entries(c.env ?? {})) {
    if (!(key in env)) problems.push(`env ${key} is not set`);
    else if (!compare(env[key], want)) problems.push(`env ${key}=${formatValue(env[key])}, expected ${describeComparator(want)}`);
  }
  const networks = Object.keys(ct.NetworkSettings?.Networks ?? {});
  for (const n of c.networks ?? []) if (!networks.includes(n)) problems.push(`is not on network ${n} (on ${networks.join(', ') || 'none'})`);
  return problems;
}

export async function dockerContainerCount(c: DockerContainerCountCheck, docker: DockerReader): Promise<Outcome> {
  const matching = (await docker.containers()).filter(
    (ct) => (c.image === undefined || compare(ct.Config.Image, c.image)) && (c.running === undefined || ct.State.Running === c.running),
  );
  const what = `${c.running === undefined ? '' : c.running ? 'running ' : 'stopped '}containers${c.image !== undefined ? ` from image ${describeComparator(c.image)}` : ''}`;
  return outcome(compare(matching.length, c.count), `${describeComparator(c.count)} ${what}`, `${matching.length}${matching.length ? ` (${listNames(matching.map(containerName))})` : ''}`);
}

export async function dockerImage(c: DockerImageCheck, docker: DockerReader): Promise<Outcome> {
  const image = await docker.image(c.name);
  const wantExists = c.exists ?? true;
  if (!image || !wantExists) {
    return outcome(Boolean(image) === wantExists, `image ${c.name} ${wantExists ? 'to exist' : 'not to exist'}`, image ? 'it exists' : 'it does not exist');
  }
  const problems: string[] = [];
  const wanted: string[] = [`image ${c.name}`];
  const entrypoint = (image.Config?.Entrypoint ?? []).join(' ');
  const cmd = (image.Config?.Cmd ?? []).join(' ');
  if (c.entrypoint !== undefined) {
    wanted.push(`ENTRYPOINT ${describeComparator(c.entrypoint)}`);
    if (!compare(entrypoint, c.entrypoint)) problems.push(`ENTRYPOINT is ${formatValue(entrypoint)}`);
  }
  if (c.cmd !== undefined) {
    wanted.push(`CMD ${describeComparator(c.cmd)}`);
    if (!compare(cmd, c.cmd)) problems.push(`CMD is ${formatValue(cmd)}`);
  }
  if (c.user !== undefined) {
    wanted.push(`USER ${describeComparator(c.user)}`);
    if (!compare(image.Config?.User ?? '', c.user)) problems.push(`USER is ${formatValue(image.Config?.User ?? '')}`);
  }
  const env = parseEnv(image.Config?.Env);
  for (const [key, want] of Object.entries(c.env ?? {})) {
    wanted.push(`ENV ${key}=${describeComparator(want)}`);
    if (!compare(env[key], want)) problems.push(key in env ? `ENV ${key} is ${formatValue(env[key])}` : `ENV ${key} is not set`);
  }
  const args = buildArgs(image.history.map((h) => h.CreatedBy));
  for (const [key, want] of Object.entries(c.buildArgs ?? {})) {
    wanted.push(`built with --build-arg ${key}=${describeComparator(want)}`);
    if (!compare(args[key], want)) problems.push(key in args ? `build arg ${key} was ${formatValue(args[key])}` : `build arg ${key} was not used by any RUN step`);
  }
  return outcome(problems.length === 0, wanted.join(', '), problems.length ? problems.join('; ') : 'it matches');
}

export async function dockerVolume(c: DockerVolumeCheck, docker: DockerReader): Promise<Outcome> {
  const exists = await docker.volumeExists(c.name);
  const want = c.exists ?? true;
  return outcome(exists === want, `volume ${c.name} ${want ? 'to exist' : 'not to exist'}`, exists ? 'it exists' : 'it does not exist');
}

export async function dockerNetwork(c: DockerNetworkCheck, docker: DockerReader): Promise<Outcome> {
  const network = await docker.network(c.name);
  const want = c.exists ?? true;
  if (!network || !want) return outcome(Boolean(network) === want, `network ${c.name} ${want ? 'to exist' : 'not to exist'}`, network ? 'it exists' : 'it does not exist');
  const attached = Object.values(network.Containers ?? {}).map((x) => x.Name);
  const missing = (c.containers ?? []).filter((n) => !attached.includes(n));
  return outcome(
    missing.length === 0,
    `network ${c.name}${c.containers?.length ? ` with containers ${c.containers.join(', ')}` : ''}`,
    missing.length ? `attached: ${attached.join(', ') || 'none'}; missing ${missing.join(', ')}` : 'it matches',
  );
}

function parseEnv(env: string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of env ?? []) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/**
 * Build args appear in image history as a prefix of RUN steps: `|2 VERSION=1.0 USER=app /bin/sh -c ...`
 * (classic builder and BuildKit both record them this way).
 */
export function buildArgs(createdBy: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of createdBy) {
    const m = /^(?:RUN\s+)?\|(\d+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    let rest = m[2];
    for (let i = 0; i < Number(m[1]); i++) {
      const kv = /^([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)\s*/.exec(rest);
      if (!kv) break;
      out[kv[1]] = kv[2].startsWith('"') ? JSON.parse(kv[2]) : kv[2];
      rest = rest.slice(kv[0].length);
    }
  }
  return out;
}
