// `kubelab kubectl ...`: runs the vendored kubectl with the given arguments, stdio and exit code.
// Without KUBECONFIG it uses the kubeconfig `kubelab cluster up` writes by default.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CommandGroup } from '../types';
import { DEFAULT_KUBECONFIG } from './cluster';

export const group: CommandGroup = {
  name: 'kubectl',
  summary: 'Run the vendored kubectl (default kubeconfig: the one `cluster up` writes)',
  async run(args) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { kubectlPath } = require('../../../sandbox/cluster/kubectl/vendor') as typeof import('../../../sandbox/cluster/kubectl/vendor');
    const bin = kubectlPath();
    if (!existsSync(bin)) {
      process.stderr.write(`kubelab kubectl: kubectl is not installed at ${bin}; run \`npx kubelab prepare\` first\n`);
      return 1;
    }
    const env = { ...process.env };
    if (!env.KUBECONFIG && existsSync(DEFAULT_KUBECONFIG)) env.KUBECONFIG = DEFAULT_KUBECONFIG;
    return new Promise<number>((resolve) => {
      const child = spawn(bin, args, { stdio: 'inherit', env });
      // Ctrl+C reaches kubectl through the shared terminal; don't let it kill us first.
      const ignore = () => undefined;
      process.on('SIGINT', ignore);
      child.on('error', (err) => {
        process.off('SIGINT', ignore);
        process.stderr.write(`kubelab kubectl: ${err.message}\n`);
        resolve(1);
      });
      child.on('exit', (code, signal) => {
        process.off('SIGINT', ignore);
        resolve(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1));
      });
    });
  },
};
