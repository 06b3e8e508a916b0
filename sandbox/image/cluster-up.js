// Runs `kubelab cluster up` inside a sandbox container, where the repository's cluster code and
// node_modules are mounted read-only at /opt/kubelab/app (see sandbox/drivers/docker/mounts.ts).
require('tsx/cjs');
const { group } = require('../../scripts/cli/commands/cluster.ts');
group.run(['up', ...process.argv.slice(2)]).then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
