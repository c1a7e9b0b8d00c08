// Prints the suite's closing line, `N passed, N failed`, from vitest JSON reports.
// Exits 1 when a test failed, a run errored, or type-checking failed.
import { readFileSync, existsSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? 0 : Number(args.splice(i, 2)[1]);
};
const typecheck = flag('--typecheck');
const status = flag('--status');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of args) {
  if (!existsSync(file)) {
    failed += 1; // a run that produced no report counts as a failure
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that failed without a failing test (it did not load, or a beforeAll/afterAll hook
  // failed) fails every test it did not pass: vitest reports those as skipped.
  for (const result of report.testResults ?? []) {
    const assertions = result.assertionResults ?? [];
    if (result.status !== 'failed' || assertions.some((a) => a.status === 'failed')) continue;
    const notRun = assertions.filter((a) => a.status !== 'passed').length;
    failed += Math.max(1, notRun);
    skipped -= notRun;
  }
}
if (typecheck !== 0) {
  console.log('type-check or lint failed (see above)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
