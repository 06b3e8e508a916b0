// `kubelab sandbox ...`: operator commands for learner sandboxes and their images.
import path from 'node:path';
import type { CommandGroup } from '../types';

const root = path.join(__dirname, '..', '..', '..');

const help = `Usage: kubelab sandbox <command>

Commands:
  build [IMAGE...]   Build the lesson images from Debian packages and load them into the
                     offline registry mirror (idempotent; a second run takes seconds)
`;

async function build(args: string[]): Promise<number> {
  // Loaded on demand so that other commands don't pay for dockerode.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildImages } = require('../../../sandbox/images/builder') as typeof import('../../../sandbox/images/builder');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { catalog } = require('../../../sandbox/images/catalog') as typeof import('../../../sandbox/images/catalog');
  const unknown = args.filter((a) => !catalog.some((r) => r.repository === a));
  if (unknown.length) {
    process.stderr.write(`kubelab sandbox build: unknown image ${unknown.join(', ')}; known: ${catalog.map((r) => r.repository).join(', ')}\n`);
    return 2;
  }
  const report = await buildImages({
    stateDir: path.join(root, '.kubelab'),
    only: args.length ? args : undefined,
    log: (line) => process.stdout.write(line + '\n'),
  });
  process.stdout.write(`done in ${(report.durationMs / 1000).toFixed(1)}s\n`);
  return 0;
}

export const group: CommandGroup = {
  name: 'sandbox',
  summary: 'Build sandbox images and manage learner sandboxes',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'build') return build(rest);
    process.stdout.write(help);
    return sub === undefined || sub === '--help' || sub === '-h' ? 0 : 2;
  },
};
