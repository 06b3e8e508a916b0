// Builds the lesson images from Debian packages and loads them into the offline mirror.
// Idempotent: every image carries the hash of its recipe as a label, and is rebuilt only when the
// recipe changes; pushes of unchanged images only confirm layers the mirror already has.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { catalog, CLUSTER_BUNDLE_NAME, sandboxRecipe, sandboxSupportFiles, SANDBOX_REPOSITORY, supportFiles, type ImageRecipe } from './catalog';
import { bundleCluster } from './cluster-bundle';
import { ensureRegistry, mirrorRepository } from './registry';

export const BASE_IMAGE = 'kubelab/base:bookworm';
const RECIPE_LABEL = 'io.kubelab.recipe';
const DEBIAN_MIRROR = process.env.KUBELAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export interface BuildOptions {
  docker?: Docker;
  /** Cache and registry data live here (default `.kubelab/` in the repository). */
  stateDir: string;
  /** Only these repositories (default: the whole catalog). */
  only?: string[];
  log?: (line: string) => void;
  registryPort?: number;
}

export interface BuildReport {
  built: string[];
  upToDate: string[];
  pushed: string[];
  registry: string;
  durationMs: number;
}

/** Every support file a build context may hold, by name (lesson-image files and the sandbox's own). */
export function contextFiles(): Record<string, string> {
  return { ...supportFiles, ...sandboxSupportFiles() };
}

/**
 * Hash of everything an image is built from; `baseId` (the base image's id) makes a new base rebuild all,
 * `generated` is the hash of generated context content (the sandbox's mini-cluster bundle).
 */
export function recipeHash(recipe: ImageRecipe, tag: string, baseId = '', generated = '', files = contextFiles()): string {
  const used = recipe.steps.flatMap((s) => Object.keys(files).filter((f) => s.includes(f)).map((f) => files[f]));
  const inputs: unknown[] = [BASE_IMAGE, baseId, recipe.packages, recipe.steps, tag, used];
  if (generated) inputs.push(generated);
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

export function dockerfileFor(recipe: ImageRecipe, tag: string, baseId = '', generated = '', files = contextFiles()): string {
  const lines = [`FROM ${BASE_IMAGE}`];
  if (recipe.packages.length) {
    lines.push(
      `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${recipe.packages.join(' ')} && rm -rf /var/lib/apt/lists/*`,
    );
  }
  lines.push(...recipe.steps.map((s) => s.replaceAll('{{TAG}}', tag)));
  lines.push(`LABEL ${RECIPE_LABEL}=${recipeHash(recipe, tag, baseId, generated, files)} org.opencontainers.image.description="${recipe.description.replace(/"/g, "'")}"`);
  return lines.join('\n') + '\n';
}

async function imageLabel(docker: Docker, ref: string): Promise<string | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return info.Config?.Labels?.[RECIPE_LABEL] ?? 'present';
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const collect = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        log(tail);
        reject(new Error(`${cmd} exited with ${code}`));
      }
    });
  });
}

/** Debootstraps a minimal Debian 12 root filesystem once and imports it as the base image. */
export async function ensureBaseImage(docker: Docker, stateDir: string, log: (line: string) => void): Promise<boolean> {
  if (await imageLabel(docker, BASE_IMAGE)) return false;
  if (!existsSync('/usr/sbin/debootstrap')) throw new Error('debootstrap is missing: apt-get install -y debootstrap (scripts/install-system-deps.sh does)');
  const work = path.join(stateDir, 'cache', 'rootfs-bookworm');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.dirname(work), { recursive: true });
  log(`base: debootstrap bookworm (about a minute) ...`);
  await run('debootstrap', ['--variant=minbase', '--include=ca-certificates,procps,iproute2,iputils-ping,less,netbase', 'bookworm', work, DEBIAN_MIRROR], log);
  // Package caches, lists and docs only make every image (and every learner's pull) bigger.
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info']) {
    rmSync(path.join(work, dir), { recursive: true, force: true });
    mkdirSync(path.join(work, dir), { recursive: true });
  }
  mkdirSync(path.join(work, 'var/cache/apt/archives/partial'), { recursive: true });
  log(`base: importing ${BASE_IMAGE}`);
  await run('sh', ['-c', `tar -C '${work}' -c . | docker import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - ${BASE_IMAGE}`], log);
  rmSync(work, { recursive: true, force: true });
  return true;
}

function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err ?? output.find((o) => o.error);
      if (failed) reject(new Error(err ? err.message : String((failed as { error: string }).error)));
      else resolve();
    });
  });
}

/** Generated build-context content of one image: a directory (named as the recipe's COPY names it) and its hash. */
interface GeneratedContext {
  name: string;
  dir: string;
  hash: string;
}

async function buildOne(docker: Docker, recipe: ImageRecipe, tag: string, baseId: string, files: Record<string, string>, generated?: GeneratedContext): Promise<void> {
  const context = mkdtempSync(path.join(os.tmpdir(), 'kubelab-image-'));
  try {
    writeFileSync(path.join(context, 'Dockerfile'), dockerfileFor(recipe, tag, baseId, generated?.hash, files));
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(context, name), content);
    if (generated) cpSync(generated.dir, path.join(context, generated.name), { recursive: true });
    const src = ['Dockerfile', ...Object.keys(files), ...(generated ? [generated.name] : [])];
    const stream = await docker.buildImage({ context, src }, { t: `${recipe.repository}:${tag}`, rm: true, forcerm: true });
    await followProgress(docker, stream);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** True when the mirror already serves the manifest the local image was last pushed as. */
async function mirrorIsCurrent(docker: Docker, registryUrl: string, target: string, source: string, tag: string): Promise<boolean> {
  const repository = target.slice(target.indexOf('/') + 1);
  try {
    const local = await docker.getImage(source).inspect();
    const pushed = await docker.getImage(`${target}:${tag}`).inspect();
    if (local.Id !== pushed.Id) return false;
    const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    const digest = res.headers.get('docker-content-digest');
    return Boolean(digest && (pushed.RepoDigests ?? []).some((d) => d.endsWith(`@${digest}`)));
  } catch {
    return false;
  }
}

/** One build at a time per state directory (parallel test workers, a CLI build during `npm start`). */
async function withBuildLock<T>(stateDir: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const lock = path.join(stateDir, 'images.lock');
  let told = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8') || 0);
      let alive = false;
      try {
        if (holder > 0) process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!told) log(`waiting for another image build (pid ${holder}) to finish ...`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

export async function buildImages(opts: BuildOptions): Promise<BuildReport> {
  return withBuildLock(opts.stateDir, opts.log ?? (() => undefined), () => buildImagesLocked(opts));
}

async function buildImagesLocked(opts: BuildOptions): Promise<BuildReport> {
  const started = Date.now();
  const docker = opts.docker ?? new Docker();
  const log = opts.log ?? (() => undefined);
  await docker.ping().catch(() => {
    throw new Error('Docker is not reachable at /var/run/docker.sock: install docker.io and start dockerd (scripts/install-system-deps.sh does both)');
  });
  const report: BuildReport = { built: [], upToDate: [], pushed: [], registry: '', durationMs: 0 };
  if (await ensureBaseImage(docker, opts.stateDir, log)) report.built.push(BASE_IMAGE);
  const baseId = (await docker.getImage(BASE_IMAGE).inspect()).Id;

  // The sandbox image is built like the lesson images but stays on this host (it is not pulled by learners).
  // `only` names repositories (every tag) or `repository:tag` (that tag).
  const wanted = (r: ImageRecipe, tag: string) => !opts.only || opts.only.includes(r.repository) || opts.only.includes(`${r.repository}:${tag}`);
  const recipes = [sandboxRecipe, ...catalog]
    .map((r) => ({ ...r, tags: r.tags.filter((t) => wanted(r, t)), mirrorAs: r.tags.filter((t) => wanted(r, t))[0] === r.tags[0] ? r.mirrorAs : [] }))
    .filter((r) => r.tags.length > 0);
  const total = recipes.reduce((n, r) => n + r.tags.length, 0);
  const files = contextFiles();
  // The sandbox carries the mini-cluster bundled from the current sources: bundling takes about a
  // second, and its hash is part of the sandbox recipe's, so a cluster change rebuilds the image.
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-cluster-bundle-'));
  try {
    let done = 0;
    for (const recipe of recipes) {
      const generated = recipe.repository === SANDBOX_REPOSITORY ? { name: CLUSTER_BUNDLE_NAME, ...(await bundleCluster(bundleDir)) } : undefined;
      for (const tag of recipe.tags) {
        const ref = `${recipe.repository}:${tag}`;
        done++;
        if ((await imageLabel(docker, ref)) === recipeHash(recipe, tag, baseId, generated?.hash, files)) {
          report.upToDate.push(ref);
          continue;
        }
        log(`[${done}/${total}] building ${ref}`);
        await buildOne(docker, recipe, tag, baseId, files, generated);
        report.built.push(ref);
      }
    }
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }

  const registry = await ensureRegistry({ dataDir: path.join(opts.stateDir, 'registry'), port: opts.registryPort });
  report.registry = registry.address;
  const push = async (source: string, repository: string, tag: string) => {
    const target = `${registry.address}/${mirrorRepository(repository)}`;
    if (await mirrorIsCurrent(docker, registry.url, target, source, tag)) return;
    await docker.getImage(source).tag({ repo: target, tag });
    const stream = await docker.getImage(`${target}:${tag}`).push({ authconfig: { serveraddress: registry.address } });
    await followProgress(docker, stream);
    report.pushed.push(`${target}:${tag}`);
  };
  for (const recipe of recipes) {
    if (recipe.repository === SANDBOX_REPOSITORY) continue;
    for (const alias of recipe.mirrorAs ?? []) {
      const [repository, tag = 'latest'] = alias.split(':');
      await push(`${recipe.repository}:${recipe.tags[0]}`, repository, tag);
    }
    for (const tag of recipe.tags) await push(`${recipe.repository}:${tag}`, recipe.repository, tag);
  }
  log(`images: ${report.built.length} built, ${report.upToDate.length} up to date, ${report.pushed.length} pushed to the mirror at ${registry.address}`);
  report.durationMs = Date.now() - started;
  return report;
}
