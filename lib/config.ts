// Server configuration from the environment, validated once. Embedded defaults make
// `npm start` work with no configuration at all.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const repoRoot = path.join(__dirname, '..');

const envSchema = z.object({
  NEXTAUTH_SECRET: z.string().min(16, 'NEXTAUTH_SECRET must be at least 16 characters').optional(),
  NEXTAUTH_URL: z.url('NEXTAUTH_URL must be a URL such as http://localhost:3000').optional(),
  GITHUB_ID: z.string().min(1).optional(),
  GITHUB_SECRET: z.string().min(1).optional(),
  KUBELAB_ADMIN_EMAIL: z.email('KUBELAB_ADMIN_EMAIL must be an email address').optional(),
  KUBELAB_ADMIN_PASSWORD: z.string().min(8, 'KUBELAB_ADMIN_PASSWORD must be at least 8 characters').optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  KUBELAB_ALLOW_REMOTE: z.enum(['0', '1']).default('0'),
  KUBELAB_SANDBOX_DRIVER: z.enum(['local', 'docker']).default('local'),
  KUBELAB_STATE_DIR: z.string().min(1).optional(),
});

export type Config = ReturnType<typeof loadConfig>;

function persistentSecret(stateDir: string): string {
  const file = path.join(stateDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(stateDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.GITHUB_ID) !== Boolean(e.GITHUB_SECRET)) throw new Error('invalid configuration:\n  GITHUB_ID and GITHUB_SECRET must be set together');
  if (Boolean(e.KUBELAB_ADMIN_EMAIL) !== Boolean(e.KUBELAB_ADMIN_PASSWORD)) throw new Error('invalid configuration:\n  KUBELAB_ADMIN_EMAIL and KUBELAB_ADMIN_PASSWORD must be set together');
  const stateDir = path.resolve(e.KUBELAB_STATE_DIR ?? path.join(repoRoot, '.kubelab'));
  const allowRemote = e.KUBELAB_ALLOW_REMOTE === '1';
  // The local driver gives a shell on this machine: listen on loopback unless explicitly overridden.
  const host = e.HOST ?? (e.KUBELAB_SANDBOX_DRIVER === 'local' && !allowRemote ? '127.0.0.1' : '0.0.0.0');
  if (e.KUBELAB_SANDBOX_DRIVER === 'local' && !allowRemote && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`invalid configuration:\n  HOST=${host} with the local sandbox driver exposes a host shell; set KUBELAB_ALLOW_REMOTE=1 to do this deliberately`);
  }
  return {
    secret: e.NEXTAUTH_SECRET ?? persistentSecret(stateDir),
    url: e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`,
    github: e.GITHUB_ID && e.GITHUB_SECRET ? { clientId: e.GITHUB_ID, clientSecret: e.GITHUB_SECRET } : undefined,
    bootstrapAdmin: e.KUBELAB_ADMIN_EMAIL && e.KUBELAB_ADMIN_PASSWORD ? { email: e.KUBELAB_ADMIN_EMAIL, password: e.KUBELAB_ADMIN_PASSWORD } : undefined,
    port: e.PORT,
    host,
    allowRemote,
    sandboxDriver: e.KUBELAB_SANDBOX_DRIVER,
    stateDir,
  };
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
