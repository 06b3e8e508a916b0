// Runs the mini-cluster inside a sandbox container. esbuild bundles this file with the cluster code
// into one CommonJS file at image build time (sandbox/images/cluster-bundle.ts), so a sandbox starts
// it with plain node instead of compiling TypeScript on every start.
// With the sandbox's own Docker daemon (profile `full`), learner pods run as real containers on it
// (the Docker runtime); otherwise (profile `kubernetes`) on the simulated runtime.
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseMaxPodsFlag, startCluster } from '../cluster/cluster';
import { DockerRuntime, HOLDER_IMAGE } from '../cluster/kubelet/runtimes/docker';
import { ServiceProxy } from '../cluster/kubelet/runtimes/docker/service-proxy';
import { SNAPSHOT_FILE } from '../cluster/store/persistence';

const DOCKER_SOCKET = '/var/run/docker.sock';

const usage = `Usage: cluster-up [--ready-file PATH] [--max-pods N] [--time-scale X] [--port N] [--data DIR] [--kubeconfig PATH]
(inside a sandbox; extra options come from KUBELAB_SANDBOX_CLUSTER_ARGS)`;

interface Args {
  readyFile?: string;
  port: number;
  dataDir: string;
  kubeconfigPath: string;
  maxPodsPerNode?: number;
  timeScale?: number;
}

function parseClusterArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      'ready-file': { type: 'string' },
      'max-pods': { type: 'string' },
      'time-scale': { type: 'string' },
      port: { type: 'string', default: '6443' },
      data: { type: 'string', default: '/var/lib/kubelab/cluster' },
      kubeconfig: { type: 'string', default: '/root/.kube/config' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const args: Args = { readyFile: values['ready-file'], port, dataDir: values.data, kubeconfigPath: values.kubeconfig };
  if (values['max-pods'] !== undefined) args.maxPodsPerNode = parseMaxPodsFlag(values['max-pods']);
  if (values['time-scale'] !== undefined) {
    const x = Number(values['time-scale']);
    if (!Number.isFinite(x) || x < 0) throw new Error(`--time-scale must be a number >= 0, got "${values['time-scale']}"`);
    args.timeScale = x;
  }
  return args;
}

function dockerGet(apiPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: DOCKER_SOCKET, path: apiPath, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => (req.destroy(), resolve(false)));
  });
}

/**
 * The entrypoint starts this process and dockerd together, and imports the pod holder image once the
 * daemon answers. The kubelets need the daemon before they start, and the holder image too when the
 * cluster is restarted with pods (they come back at once). A new cluster has no pods before the
 * sandbox is ready, and the entrypoint marks it ready only once the holder image is there.
 */
async function waitForDocker(timeoutMs: number, withHolder: boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const waits: Array<[string, string]> = [['the Docker daemon', '/_ping']];
  if (withHolder) waits.push([`the pod holder image ${HOLDER_IMAGE}`, `/images/${HOLDER_IMAGE}/json`]);
  for (const [what, apiPath] of waits) {
    while (!(await dockerGet(apiPath))) {
      if (Date.now() > deadline) throw new Error(`${what} was not there (${DOCKER_SOCKET}) within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

async function main(): Promise<void> {
  // Milestones in the log (ms since the process started) say where a slow sandbox start went.
  const since = () => `${Math.round(performance.now())} ms`;
  console.log(`cluster-up: code loaded at ${since()}`);
  let args: Args;
  try {
    args = parseClusterArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`cluster-up: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    process.exit(2);
  }
  const withDocker = process.env.KUBELAB_POD_RUNTIME === 'docker';
  if (withDocker) {
    await waitForDocker(60_000, existsSync(path.join(args.dataDir, SNAPSHOT_FILE)));
    console.log(`cluster-up: Docker answered at ${since()}`);
  }
  const runtime = withDocker ? new DockerRuntime({ dataDir: '/var/lib/kubelab/pod-data', mirror: process.env.KUBELAB_MIRROR || undefined }) : undefined;
  const cluster = await startCluster({
    host: '127.0.0.1',
    port: args.port,
    dataDir: args.dataDir,
    kubeconfigPath: args.kubeconfigPath,
    runtime,
    maxPodsPerNode: args.maxPodsPerNode,
    timeScale: args.timeScale,
  });
  let proxy: ServiceProxy | undefined;
  if (runtime) {
    // Services for real pods: ClusterIPs, NodePorts and cluster DNS inside this sandbox.
    proxy = new ServiceProxy(cluster.ctx.store);
    await proxy.start();
  }
  console.log(`mini-cluster at ${cluster.url} (${runtime ? 'docker' : 'simulated'} runtime), ready at ${since()}`);
  if (args.readyFile) writeFileSync(args.readyFile, `${cluster.url}\n`);
  const stop = async () => {
    proxy?.close();
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
