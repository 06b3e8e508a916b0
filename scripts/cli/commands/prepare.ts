// `kubelab prepare`: idempotent one-time setup shared by `npm start` and `npm test`
// (generated Prisma client, database migrations, vendored kubectl, ...).
// Each step lives next to the code it prepares and exports `prepare(log)`.
import path from 'node:path';
import type { CommandGroup } from '../types';

export interface PrepareStep {
  title: string;
  prepare(log: (line: string) => void): Promise<void>;
}

const root = path.join(__dirname, '..', '..', '..');

/** Order matters: the database client must exist before migrations run. */
export const stepModules = [
  'lib/db/prepare.ts',
  'sandbox/cluster/kubectl/prepare.ts',
];

export async function runPrepare(log: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  for (const rel of stepModules) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const step = require(path.join(root, rel)).step as PrepareStep;
    const started = Date.now();
    await step.prepare(log);
    log(`prepare: ${step.title} (${Date.now() - started} ms)`);
  }
}

export const group: CommandGroup = {
  name: 'prepare',
  summary: 'Generate the database client, apply migrations, vendor kubectl (idempotent)',
  async run() {
    await runPrepare();
    return 0;
  },
};
