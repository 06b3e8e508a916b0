// `kubelab sandbox ...`: operator commands for learner sandboxes and their images.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SandboxDriver, SandboxProfileName } from '../../../sandbox/driver';
import type { CommandGroup } from '../types';

const root = path.join(__dirname, '..', '..', '..');
const stateDir = () => path.resolve(process.env.KUBELAB_STATE_DIR ?? path.join(root, '.kubelab'));

const help = `Usage: kubelab sandbox <command>

Commands:
  build [IMAGE...]                 Build the sandbox image and the lesson images from Debian packages
                                   and load them into the offline registry mirror (idempotent; a
                                   second run takes seconds)
  up --name NAME [--profile P] [--driver docker|local]
                                   Start a sandbox (profiles: docker, kubernetes, full; default full)
                                   and return when it is ready
  exec NAME -- CMD [ARGS...]       Run a command in a sandbox; output and exit code pass through
  ls                               List sandboxes (docker driver)
  down NAME [--reset]              Stop a sandbox (its work is kept unless --reset)
  extend NAME                      Push a sandbox's automatic stop back
`;

const profiles = ['docker', 'kubernetes', 'full'] as const;

function fail(message: string): number {
  process.stderr.write(`kubelab sandbox: ${message}\n\n${help}`);
  return 2;
}

async function dockerDriver() {
  // Loaded on demand so that other commands don't pay for dockerode.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DockerDriver } = require('../../../sandbox/drivers/docker') as typeof import('../../../sandbox/drivers/docker');
  return new DockerDriver({ stateDir: stateDir() });
}

async function build(args: string[]): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildImages } = require('../../../sandbox/images/builder') as typeof import('../../../sandbox/images/builder');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { catalog, SANDBOX_REPOSITORY } = require('../../../sandbox/images/catalog') as typeof import('../../../sandbox/images/catalog');
  const known = [SANDBOX_REPOSITORY, ...catalog.map((r) => r.repository)];
  const unknown = args.filter((a) => !known.includes(a) && !known.includes(a.slice(0, a.lastIndexOf(':'))));
  if (unknown.length) return fail(`unknown image ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const report = await buildImages({ stateDir: stateDir(), only: args.length ? args : undefined, log: (line) => process.stdout.write(line + '\n') });
  process.stdout.write(`done in ${(report.durationMs / 1000).toFixed(1)}s\n`);
  return 0;
}

async function up(argv: string[]): Promise<number> {
  let values: { name?: string; profile?: string; driver?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { name: { type: 'string' }, profile: { type: 'string' }, driver: { type: 'string' } }, strict: true }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (!values.name) return fail('up needs --name NAME');
  if (!/^[a-z0-9][a-z0-9-]{0,50}$/.test(values.name)) return fail(`--name must be lowercase letters, digits and dashes, got "${values.name}"`);
  const profile = (values.profile ?? 'full') as SandboxProfileName;
  if (!(profiles as readonly string[]).includes(profile)) return fail(`--profile must be one of ${profiles.join(', ')}, got "${values.profile}"`);
  const driverName = values.driver ?? 'docker';
  if (driverName === 'local') return fail('the local driver keeps sandboxes inside the server process; start them from the web app (npm start)');
  if (driverName !== 'docker') return fail(`--driver must be docker or local, got "${driverName}"`);
  const driver = await dockerDriver();
  const started = Date.now();
  const info = await driver.create({ id: values.name, userId: `operator:${values.name}`, profile });
  if (info.state !== 'running') {
    process.stderr.write(`kubelab sandbox: ${values.name} did not start: ${info.message ?? info.state}\n`);
    return 1;
  }
  process.stderr.write(`sandbox ${info.id} is ready (${profile}, ${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  process.stdout.write(`${info.id}\n`);
  return 0;
}

async function exec(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const [name] = argv;
  const command = dash === -1 ? argv.slice(1) : argv.slice(dash + 1);
  if (!name || name === '--' || command.length === 0) return fail('usage: exec NAME -- CMD [ARGS...]');
  const driver: SandboxDriver = await dockerDriver();
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = await driver.exec(name, quoted, { timeoutMs: 30 * 60_000 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}

async function ls(): Promise<number> {
  const driver = await dockerDriver();
  const rows = await driver.list();
  const lines = [['NAME', 'STATE', 'PROFILE', 'OWNER', 'CREATED'], ...rows.map((r) => [r.id, r.state, r.profile, r.userId, r.createdAt.toISOString()])];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  process.stdout.write(lines.map((l) => l.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
  return 0;
}

async function down(argv: string[]): Promise<number> {
  const [name, ...flags] = argv;
  if (!name) return fail('usage: down NAME [--reset]');
  const bad = flags.filter((f) => f !== '--reset');
  if (bad.length) return fail(`unknown option ${bad.join(' ')}`);
  const driver = await dockerDriver();
  if (!(await driver.status(name))) {
    process.stderr.write(`kubelab sandbox: no sandbox named ${name}\n`);
    return 1;
  }
  if (flags.includes('--reset')) await driver.reset(name);
  else await driver.stop(name);
  process.stdout.write(`${name} ${flags.includes('--reset') ? 'removed' : 'stopped (work kept; up again to resume)'}\n`);
  return 0;
}

async function extend(argv: string[]): Promise<number> {
  const [name] = argv;
  if (!name) return fail('usage: extend NAME');
  const until = await (await dockerDriver()).extend(name);
  process.stdout.write(`${name} now stops at ${until.toISOString()}\n`);
  return 0;
}

export const group: CommandGroup = {
  name: 'sandbox',
  summary: 'Build sandbox images and manage learner sandboxes',
  async run(args) {
    const [sub, ...rest] = args;
    try {
      if (sub === 'build') return await build(rest);
      if (sub === 'up') return await up(rest);
      if (sub === 'exec') return await exec(rest);
      if (sub === 'ls') return await ls();
      if (sub === 'down') return await down(rest);
      if (sub === 'extend') return await extend(rest);
    } catch (err) {
      process.stderr.write(`kubelab sandbox ${sub}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    process.stdout.write(help);
    return sub === undefined || sub === '--help' || sub === '-h' ? 0 : 2;
  },
};
