// The check language: what an exercise declares to be true of the learner's sandbox.
// Documented for authors in lessons/AUTHORING.md ("Check language"). Validated at lesson load time.
import { z } from 'zod';
import { parseDuration } from './duration';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `{equals|matches|contains|gt|gte|lt|lte}` or a plain scalar meaning `equals`. */
export const comparatorSchema = z.union([
  scalar,
  z
    .strictObject({
      equals: z.unknown().optional(),
      matches: z.string().optional(),
      contains: scalar.optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
      not: scalar.optional(),
    })
    .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'a comparator needs one of equals, matches, contains, not, gt, gte, lt, lte' })
    .refine((c) => c.matches === undefined || isValidRegex(c.matches), { message: 'matches: not a valid regular expression' }),
], { error: 'expected a value or a comparator such as {gte: 3}, {matches: "^nginx"}, {contains: "x"}' });
export type Comparator = z.infer<typeof comparatorSchema>;

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: 'a duration such as 500ms, 30s or 2m' });
const dnsName = z.string().min(1).max(253);

/** Fields every check may carry. */
const common = {
  id: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lowercase id like "pods-running"').optional(),
  pass: z.string().optional(),
  fail: z.string().optional(),
  hint: z.string().optional(),
  weight: z.number().positive().optional(),
  timeout: duration.optional(),
};

const target = {
  kind: z.string().min(1),
  apiVersion: z.string().optional(),
  name: dnsName.optional(),
  selector: z.string().min(1).optional(),
  namespace: dnsName.optional(),
};
const needsNameOrSelector = (c: { name?: string; selector?: string }) => Boolean(c.name) !== Boolean(c.selector);
const nameOrSelector = { message: 'give exactly one of name or selector' };

const k8sExists = z.strictObject({ type: z.literal('k8s.exists'), ...common, ...target, count: comparatorSchema.optional() }).refine(needsNameOrSelector, nameOrSelector);
const k8sAbsent = z.strictObject({ type: z.literal('k8s.absent'), ...common, ...target }).refine(needsNameOrSelector, nameOrSelector);
const k8sField = z
  .strictObject({ type: z.literal('k8s.field'), ...common, ...target, path: z.string().min(1), expect: comparatorSchema.optional(), count: comparatorSchema.optional(), all: z.boolean().optional() })
  .refine(needsNameOrSelector, nameOrSelector)
  .refine((c) => (c.expect === undefined) !== (c.count === undefined), { message: 'give exactly one of expect or count' });
const k8sReady = z.strictObject({
  type: z.literal('k8s.ready'),
  ...common,
  kind: z.enum(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']),
  name: dnsName,
  namespace: dnsName.optional(),
  replicas: comparatorSchema.optional(),
});
const k8sPodsRunning = z.strictObject({ type: z.literal('k8s.podsRunning'), ...common, selector: z.string().min(1), namespace: dnsName.optional(), count: comparatorSchema.optional() });
const k8sNodeUnschedulable = z.strictObject({ type: z.literal('k8s.nodeUnschedulable'), ...common, name: dnsName, expect: z.boolean().optional() });
const k8sRollout = z
  .strictObject({
    type: z.literal('k8s.rollout'),
    ...common,
    name: dnsName,
    namespace: dnsName.optional(),
    revisions: comparatorSchema.optional(),
    image: comparatorSchema.optional(),
    container: z.string().optional(),
  })
  .refine((c) => c.revisions !== undefined || c.image !== undefined, { message: 'give revisions and/or image' });
const k8sSpread = z.strictObject({ type: z.literal('k8s.spread'), ...common, selector: z.string().min(1), namespace: dnsName.optional(), nodes: comparatorSchema });
const k8sEndpoints = z.strictObject({ type: z.literal('k8s.endpoints'), ...common, service: dnsName, namespace: dnsName.optional(), ready: comparatorSchema });

const portMapping = z.strictObject({ container: z.number().int().min(1).max(65535), host: z.number().int().min(1).max(65535).optional(), protocol: z.enum(['tcp', 'udp']).optional() });
const mount = z.strictObject({ destination: z.string().min(1), type: z.enum(['volume', 'bind', 'tmpfs']).optional(), source: comparatorSchema.optional() });

const dockerContainer = z
  .strictObject({
    type: z.literal('docker.container'),
    ...common,
    name: comparatorSchema.optional(),
    image: comparatorSchema.optional(),
    running: z.boolean().optional(),
    ports: z.array(portMapping).optional(),
    mounts: z.array(mount).optional(),
    env: z.record(z.string(), comparatorSchema).optional(),
    networks: z.array(z.string()).optional(),
  })
  .refine((c) => c.name !== undefined || c.image !== undefined, { message: 'give name and/or image' });
const dockerContainerCount = z.strictObject({ type: z.literal('docker.containerCount'), ...common, image: comparatorSchema.optional(), running: z.boolean().optional(), count: comparatorSchema });
const dockerImage = z.strictObject({
  type: z.literal('docker.image'),
  ...common,
  name: z.string().min(1),
  exists: z.boolean().optional(),
  entrypoint: comparatorSchema.optional(),
  cmd: comparatorSchema.optional(),
  env: z.record(z.string(), comparatorSchema).optional(),
  user: comparatorSchema.optional(),
  buildArgs: z.record(z.string(), comparatorSchema).optional(),
});
const dockerVolume = z.strictObject({ type: z.literal('docker.volume'), ...common, name: z.string().min(1), exists: z.boolean().optional() });
const dockerNetwork = z.strictObject({ type: z.literal('docker.network'), ...common, name: z.string().min(1), exists: z.boolean().optional(), containers: z.array(z.string()).optional() });

const sandboxCommand = z.strictObject({
  type: z.literal('sandbox.command'),
  ...common,
  run: z.string().min(1),
  exitCode: comparatorSchema.optional(),
  stdout: comparatorSchema.optional(),
  stderr: comparatorSchema.optional(),
});
const sandboxFile = z.strictObject({ type: z.literal('sandbox.file'), ...common, path: z.string().min(1), exists: z.boolean().optional(), content: comparatorSchema.optional() });

export const checkTypes = [
  'k8s.exists',
  'k8s.absent',
  'k8s.field',
  'k8s.ready',
  'k8s.podsRunning',
  'k8s.nodeUnschedulable',
  'k8s.rollout',
  'k8s.spread',
  'k8s.endpoints',
  'docker.container',
  'docker.containerCount',
  'docker.image',
  'docker.volume',
  'docker.network',
  'sandbox.command',
  'sandbox.file',
] as const;
export type CheckType = (typeof checkTypes)[number];

const byType = {
  'k8s.exists': k8sExists,
  'k8s.absent': k8sAbsent,
  'k8s.field': k8sField,
  'k8s.ready': k8sReady,
  'k8s.podsRunning': k8sPodsRunning,
  'k8s.nodeUnschedulable': k8sNodeUnschedulable,
  'k8s.rollout': k8sRollout,
  'k8s.spread': k8sSpread,
  'k8s.endpoints': k8sEndpoints,
  'docker.container': dockerContainer,
  'docker.containerCount': dockerContainerCount,
  'docker.image': dockerImage,
  'docker.volume': dockerVolume,
  'docker.network': dockerNetwork,
  'sandbox.command': sandboxCommand,
  'sandbox.file': sandboxFile,
} as const;

/**
 * One check. Validated in two steps so that an unknown `type` produces one clear error
 * ("unknown check type ... did you mean ...") instead of sixteen union branch failures.
 */
export const checkSchema = z
  .looseObject({ type: z.string() })
  .superRefine((value, ctx) => {
    const schema = (byType as Record<string, z.ZodType>)[value.type];
    if (!schema) {
      const guess = closest(value.type, checkTypes);
      ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown check type "${value.type}"${guess ? ` (did you mean "${guess}"?)` : ''}` });
      return;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue(issue as never);
  })
  .transform((value) => value as unknown as Check);

export type K8sExistsCheck = z.infer<typeof k8sExists>;
export type K8sAbsentCheck = z.infer<typeof k8sAbsent>;
export type K8sFieldCheck = z.infer<typeof k8sField>;
export type K8sReadyCheck = z.infer<typeof k8sReady>;
export type K8sPodsRunningCheck = z.infer<typeof k8sPodsRunning>;
export type K8sNodeUnschedulableCheck = z.infer<typeof k8sNodeUnschedulable>;
export type K8sRolloutCheck = z.infer<typeof k8sRollout>;
export type K8sSpreadCheck = z.infer<typeof k8sSpread>;
export type K8sEndpointsCheck = z.infer<typeof k8sEndpoints>;
export type DockerContainerCheck = z.infer<typeof dockerContainer>;
export type DockerContainerCountCheck = z.infer<typeof dockerContainerCount>;
export type DockerImageCheck = z.infer<typeof dockerImage>;
export type DockerVolumeCheck = z.infer<typeof dockerVolume>;
export type DockerNetworkCheck = z.infer<typeof dockerNetwork>;
export type SandboxCommandCheck = z.infer<typeof sandboxCommand>;
export type SandboxFileCheck = z.infer<typeof sandboxFile>;

export type Check =
  | K8sExistsCheck
  | K8sAbsentCheck
  | K8sFieldCheck
  | K8sReadyCheck
  | K8sPodsRunningCheck
  | K8sNodeUnschedulableCheck
  | K8sRolloutCheck
  | K8sSpreadCheck
  | K8sEndpointsCheck
  | DockerContainerCheck
  | DockerContainerCountCheck
  | DockerImageCheck
  | DockerVolumeCheck
  | DockerNetworkCheck
  | SandboxCommandCheck
  | SandboxFileCheck;

/** Which sandbox facility a check reads: decides whether a profile can grade it. */
export function checkFamily(check: Pick<Check, 'type'>): 'k8s' | 'docker' | 'sandbox' {
  return check.type.split('.')[0] as 'k8s' | 'docker' | 'sandbox';
}

function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
