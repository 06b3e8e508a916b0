// Prints the plain closing line CI reads: "N passed, N failed[, N skipped]". When npm test runs
// jest in phases (scripts/run-tests.js), each phase writes its counts to KUBELAB_TEST_SUMMARY_FILE
// and the runner prints one combined line instead.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    if (process.env.KUBELAB_TEST_SUMMARY_FILE) {
      writeFileSync(process.env.KUBELAB_TEST_SUMMARY_FILE, JSON.stringify({ passed, failed, skipped }));
      return;
    }
    const tail = skipped ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
module.exports = SummaryReporter;
