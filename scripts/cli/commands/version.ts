import type { CommandGroup } from '../types';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../../package.json') as { version: string };

export const group: CommandGroup = {
  name: 'version',
  summary: 'Print the kubelab version',
  async run() {
    process.stdout.write(`kubelab ${pkg.version}\n`);
    return 0;
  },
};
