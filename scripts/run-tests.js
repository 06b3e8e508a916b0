#!/usr/bin/env node
// `npm test`: prepares what the tests need (idempotent), then runs jest.
// The summary reporter prints the closing "N passed, N failed" line CI reads.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;

if (run(process.execPath, [path.join(root, 'scripts', 'kubelab.js'), 'prepare']) !== 0) {
  console.error('npm test: `kubelab prepare` failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
process.exit(run(process.execPath, [jest, '--maxWorkers=2', ...process.argv.slice(2)]));
