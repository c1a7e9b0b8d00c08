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
  // suites that failed to load count as failures too
  failed += (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
}
if (typecheck !== 0) {
  console.log('type-check or lint failed (see above)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
