// Runs the mini-cluster inside a sandbox container, where the repository's cluster code and
// node_modules are mounted read-only at /opt/kubelab/app (see sandbox/drivers/docker/mounts.ts).
// With the sandbox's own Docker daemon (profile `full`), learner pods run as real containers on it
// (the Docker runtime); otherwise (profile `kubernetes`) on the simulated runtime.
require('tsx/cjs');
const { existsSync } = require('node:fs');
const { startCluster } = require('../cluster/cluster.ts');

async function main() {
  let runtime;
  if (process.env.KUBELAB_POD_RUNTIME === 'docker' && existsSync('/var/run/docker.sock')) {
    const { DockerRuntime } = require('../cluster/kubelet/runtimes/docker/index.ts');
    runtime = new DockerRuntime({ dataDir: '/var/lib/kubelab/pod-data', mirror: process.env.KUBELAB_MIRROR || undefined });
  }
  const cluster = await startCluster({
    host: '127.0.0.1',
    port: 6443,
    dataDir: '/var/lib/kubelab/cluster',
    kubeconfigPath: '/root/.kube/config',
    runtime,
  });
  console.log(`mini-cluster at ${cluster.url} (${runtime ? 'docker' : 'simulated'} runtime)`);
  let proxy;
  if (runtime) {
    // Services for real pods: ClusterIPs, NodePorts and cluster DNS inside this sandbox.
    const { ServiceProxy } = require('../cluster/kubelet/runtimes/docker/service-proxy.ts');
    proxy = new ServiceProxy(cluster.ctx.store);
    await proxy.start();
  }
  const stop = async () => {
    proxy?.close();
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
