// `kubelab cluster up`: runs a mini-cluster in the foreground until SIGINT/SIGTERM, then
// flushes its state (with --data) and exits.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandGroup } from '../types';

const root = path.join(__dirname, '..', '..', '..');
/** Where `cluster up` writes its kubeconfig unless told otherwise; `kubelab kubectl` reads it. */
export const DEFAULT_KUBECONFIG = path.join(root, '.kubelab', 'cluster', 'kubeconfig');

const help = `Usage: kubelab cluster up [options]

Runs a Kubernetes-compatible mini-cluster (API server, controllers, scheduler, kubelets for
m-k8s, w1-k8s, w2-k8s, w3-k8s) until Ctrl+C.

Options:
  --port N            API server port (default 6443; 0 picks a free port)
  --host ADDR         Address to listen on (default 127.0.0.1)
  --kubeconfig PATH   Where to write the kubeconfig (default .kubelab/cluster/kubeconfig,
                      or DIR/kubeconfig with --data)
  --nodes a,b,c       Node names; the first is the control plane
  --data DIR          Keep cluster state in DIR across restarts
  --time-scale X      Multiply simulated delays (0 = instant; default 1)
  --max-pods N        Pods each node accepts, like kubelet's --max-pods (default 110, at most 256)
  --log               Log every API request to stderr
`;

function fail(message: string): number {
  process.stderr.write(`kubelab cluster: ${message}\n\n${help}`);
  return 2;
}

async function up(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        kubeconfig: { type: 'string' },
        nodes: { type: 'string' },
        data: { type: 'string' },
        'time-scale': { type: 'string' },
        'max-pods': { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const port = values.port === undefined ? 6443 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be a port number, got "${values.port}"`);
  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!Number.isFinite(timeScale) || timeScale < 0) return fail(`--time-scale must be a number >= 0, got "${values['time-scale']}"`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseMaxPodsFlag, startCluster } = require('../../../sandbox/cluster/cluster') as typeof import('../../../sandbox/cluster/cluster');
  let maxPodsPerNode: number | undefined;
  try {
    if (typeof values['max-pods'] === 'string') maxPodsPerNode = parseMaxPodsFlag(values['max-pods']);
  } catch (err) {
    return fail((err as Error).message);
  }
  const nodes = typeof values.nodes === 'string' ? values.nodes.split(',').map((n) => n.trim()).filter(Boolean) : undefined;
  const badNode = nodes?.find((n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n));
  if (badNode) return fail(`node name "${badNode}" is not a valid DNS-1123 label`);
  const dataDir = typeof values.data === 'string' ? path.resolve(values.data) : undefined;
  const kubeconfigPath = path.resolve(typeof values.kubeconfig === 'string' ? values.kubeconfig : dataDir ? path.join(dataDir, 'kubeconfig') : DEFAULT_KUBECONFIG);

  let cluster;
  try {
    cluster = await startCluster({ port, host: typeof values.host === 'string' ? values.host : undefined, kubeconfigPath, nodes, dataDir, timeScale, maxPodsPerNode, accessLog: values.log === true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') return fail(`port ${port} is already in use; pick another with --port (0 = any free port)`);
    throw err;
  }
  process.stdout.write(
    [
      `mini-cluster is running at ${cluster.url}`,
      `kubeconfig: ${cluster.kubeconfigPath}`,
      '',
      `  export KUBECONFIG=${cluster.kubeconfigPath}`,
      '  kubectl get nodes        (or: npx kubelab kubectl get nodes)',
      '',
      dataDir ? `State is kept in ${dataDir}.` : 'State is in memory only (use --data DIR to keep it).',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.stdout.write(`\nreceived ${sig}, stopping the mini-cluster...\n`);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await cluster.stop();
  process.stdout.write(dataDir ? `stopped; state saved in ${dataDir}\n` : 'stopped\n');
  return 0;
}

export const group: CommandGroup = {
  name: 'cluster',
  summary: 'Run a local Kubernetes-compatible mini-cluster (cluster up)',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'up') return up(rest);
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(help);
      return sub === undefined ? 2 : 0;
    }
    return fail(`unknown subcommand "${sub}"`);
  },
};
