#!/usr/bin/env node
// `npm test`: prepares what the tests need (idempotent), then runs jest in two phases and prints
// the closing "N passed, N failed" line CI reads.
//
// Phase 1 runs everything that shares the machine politely, two files at a time. Phase 2 runs the
// suites that start many Docker sandboxes (Docker driver tests, the lesson self-tests) one file at
// a time, after building the sandbox and lesson images: sandboxes count against host-wide caps, so
// concurrent files would see each other's sandboxes. With arguments (`npm test -- tests/cluster`)
// it is one plain jest run.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const SERIAL = ['tests/sandbox/docker/', 'tests/grader/lessons-selftest.test.ts'];

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const fail = (why) => {
  console.error(`npm test: ${why}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
};

if (run(process.execPath, [path.join(root, 'scripts', 'kubelab.js'), 'prepare']) !== 0) fail('`kubelab prepare` failed');

const extra = process.argv.slice(2);
if (extra.length > 0) process.exit(run(process.execPath, [jest, '--maxWorkers=2', ...extra]));

const summaryDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-test-summary-'));
const phase = (name, args) => {
  const file = path.join(summaryDir, `${name}.json`);
  const status = run(process.execPath, [jest, ...args], { KUBELAB_TEST_SUMMARY_FILE: file });
  const counts = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { passed: 0, failed: 1, skipped: 0 };
  if (status !== 0 && counts.failed === 0) counts.failed = 1; // jest itself failed (config, crash)
  return counts;
};

const first = phase('parallel', ['--maxWorkers=2', '--testPathIgnorePatterns', ...SERIAL.map((p) => p.replace(/\//g, '\\/'))]);

const dockerUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
if (dockerUp) {
  console.log('npm test: building the sandbox and lesson images for the Docker suites (cached after the first run)');
  if (run(process.execPath, [path.join(root, 'scripts', 'kubelab.js'), 'sandbox', 'build']) !== 0) console.error('npm test: `kubelab sandbox build` failed; the Docker suites will report why');
}
const second = phase('serial', ['--runInBand', ...SERIAL]);

rmSync(summaryDir, { recursive: true, force: true });
const total = { passed: first.passed + second.passed, failed: first.failed + second.failed, skipped: first.skipped + second.skipped };
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
