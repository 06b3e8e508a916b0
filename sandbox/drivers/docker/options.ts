// Settings of the Docker sandbox driver, from the environment (validated once) with defaults that
// work on a machine where `--privileged` is refused (see the brief's measured DinD flags).
import { z } from 'zod';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const envSchema = z.object({
  KUBELAB_SANDBOX_IMAGE: z.string().min(1).default('kubelab/sandbox:latest'),
  /** Memory limit per sandbox (bytes, or with k/m/g suffix). */
  KUBELAB_SANDBOX_MEMORY: z.string().regex(/^\d+[kmg]?$/i, 'a size such as 1536m or 2g').default('1536m'),
  KUBELAB_SANDBOX_CPUS: z.coerce.number().positive().max(64).default(1),
  KUBELAB_SANDBOX_PIDS: z.coerce.number().int().min(64).default(2048),
  /** Disk per sandbox (volumes + writable layer), enforced by a watchdog (see disk.ts); 0 turns it off. */
  KUBELAB_SANDBOX_DISK: z.string().regex(/^\d+[kmg]?$/i, 'a size such as 10g').default('10g'),
  /** How often the disk watchdog measures while every sandbox is under its limit. */
  KUBELAB_SANDBOX_DISK_CHECK_MS: z.coerce.number().int().min(10_000).default(5 * 60 * 1000),
  /** How long a sandbox may stay over its disk limit, after the warning, before it is stopped. */
  KUBELAB_SANDBOX_DISK_GRACE_MS: z.coerce.number().int().min(0).default(10 * 60 * 1000),
  KUBELAB_SANDBOX_CAP_ADD: list('ALL'),
  KUBELAB_SANDBOX_CAP_DROP: list('SYS_RESOURCE'),
  KUBELAB_SANDBOX_SECURITY_OPT: list('seccomp=unconfined,apparmor=unconfined,systempaths=unconfined'),
  KUBELAB_SANDBOX_DEVICE_CGROUP_RULES: list('a *:* rwm'),
  KUBELAB_SANDBOX_PRIVILEGED: z.enum(['0', '1']).default('0'),
  /** Most sandboxes running at once on this host, and per learner. */
  KUBELAB_SANDBOX_MAX: z.coerce.number().int().min(1).default(100),
  KUBELAB_SANDBOX_MAX_PER_USER: z.coerce.number().int().min(1).default(2),
  /** A running sandbox is stopped after this long in total (the learner can extend it). */
  KUBELAB_SANDBOX_MAX_LIFETIME_MS: z.coerce.number().int().min(60_000).default(4 * 60 * 60 * 1000),
  /** Pre-started sandboxes waiting for a new learner. */
  KUBELAB_SANDBOX_WARM_POOL: z.coerce.number().int().min(0).max(50).default(0),
  KUBELAB_SANDBOX_CLUSTER_ARGS: z.string().default(''),
});

export interface DockerSandboxOptions {
  image: string;
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
  diskBytes: number;
  diskCheckIntervalMs: number;
  diskGraceMs: number;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  deviceCgroupRules: string[];
  privileged: boolean;
  maxSandboxes: number;
  maxPerUser: number;
  maxLifetimeMs: number;
  warmPool: number;
  clusterArgs: string;
}

export function parseSize(text: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(text);
  if (!m) throw new Error(`invalid size "${text}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

export function dockerSandboxOptions(env: Record<string, string | undefined> = process.env): DockerSandboxOptions {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('KUBELAB_SANDBOX_') && v !== '')));
  if (!parsed.success) {
    throw new Error(`invalid Docker sandbox configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    image: e.KUBELAB_SANDBOX_IMAGE,
    memoryBytes: parseSize(e.KUBELAB_SANDBOX_MEMORY),
    nanoCpus: Math.round(e.KUBELAB_SANDBOX_CPUS * 1e9),
    pidsLimit: e.KUBELAB_SANDBOX_PIDS,
    diskBytes: parseSize(e.KUBELAB_SANDBOX_DISK),
    diskCheckIntervalMs: e.KUBELAB_SANDBOX_DISK_CHECK_MS,
    diskGraceMs: e.KUBELAB_SANDBOX_DISK_GRACE_MS,
    capAdd: e.KUBELAB_SANDBOX_CAP_ADD,
    capDrop: e.KUBELAB_SANDBOX_CAP_DROP,
    securityOpt: e.KUBELAB_SANDBOX_SECURITY_OPT,
    deviceCgroupRules: e.KUBELAB_SANDBOX_DEVICE_CGROUP_RULES,
    privileged: e.KUBELAB_SANDBOX_PRIVILEGED === '1',
    maxSandboxes: e.KUBELAB_SANDBOX_MAX,
    maxPerUser: e.KUBELAB_SANDBOX_MAX_PER_USER,
    maxLifetimeMs: e.KUBELAB_SANDBOX_MAX_LIFETIME_MS,
    warmPool: e.KUBELAB_SANDBOX_WARM_POOL,
    clusterArgs: e.KUBELAB_SANDBOX_CLUSTER_ARGS,
  };
}
