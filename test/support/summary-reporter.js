// Prints one plain "N passed, N failed" line after every run and saves it for .ci/run.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    fs.writeFileSync(path.join(__dirname, '..', '..', '.jest-summary.json'), JSON.stringify({ line, failed }));
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
