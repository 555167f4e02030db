#!/usr/bin/env node
// Proves the BuildKit end-to-end tests ran: reads the vitest JSON reports that DEPLOYER_TEST_REPORT_DIR
// collected and prints one line with how many ran. Exits 1 when none ran or any was skipped, because a
// skipped BuildKit suite in CI would hide exactly what CI is there to show.
// A BuildKit end-to-end test is a test in an `e2e` file whose name has `buildkit` in it, in an `e2e*.test.ts`
// file of packages/buildkit-runner, or in an `e2e` file under a describe block naming BuildKit.
// It also prints every test's total as the plain closing line `LABEL: N passed, N failed, N skipped`.
// Usage: node .ci/count-e2e.mjs LABEL REPORT_DIR...
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [label, ...reportDirs] = process.argv.slice(2);
const isBuildkitE2e = (file, test) => {
  const name = basename(file);
  if (!/e2e/.test(name)) return false;
  return (
    /buildkit/.test(name) ||
    (file.includes('/packages/buildkit-runner/test/') && name.startsWith('e2e')) ||
    (test.ancestorTitles ?? []).some((title) => /BuildKit/.test(title))
  );
};

const tally = () => ({ passed: 0, failed: 0, skipped: 0 });
const count = (counts, status) => {
  if (status === 'passed' || status === 'failed') counts[status] += 1;
  else counts.skipped += 1;
};
const counts = tally();
const all = tally();
const files = new Set();
for (const reportDir of reportDirs) {
  for (const report of readdirSync(reportDir).filter((name) => name.endsWith('.json'))) {
    const { testResults = [] } = JSON.parse(readFileSync(join(reportDir, report), 'utf8'));
    for (const file of testResults) {
      for (const test of file.assertionResults ?? []) {
        count(all, test.status);
        if (!isBuildkitE2e(file.name, test)) continue;
        files.add(file.name);
        count(counts, test.status);
      }
    }
  }
}
const ran = counts.passed + counts.failed;
process.stdout.write(
  `BuildKit end-to-end tests (${label}): ${ran} ran in ${files.size} files (${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped)\n` +
    `${label}: ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped\n`,
);
if (ran === 0 || counts.skipped > 0 || counts.failed > 0 || all.failed > 0) {
  process.stderr.write('.ci: every BuildKit end-to-end test must run and pass in CI\n');
  process.exitCode = 1;
}
