#!/usr/bin/env node
// `pnpm bench`: runs every benchmark in benches/ one after the other (or only those named on the command
// line, e.g. `pnpm bench cache-inventory`), each in its own node process so their memory figures stay
// apart, and exits non-zero if any failed. Each bench prints its figures beside the targets.
// Options after the names (`pnpm bench incident-replay --prs 130`) are passed to each bench run.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = dirname(fileURLToPath(import.meta.url));
const firstOption = process.argv.slice(2).findIndex((arg) => arg.startsWith('-'));
const wanted = firstOption === -1 ? process.argv.slice(2) : process.argv.slice(2, 2 + firstOption);
const options = firstOption === -1 ? [] : process.argv.slice(2 + firstOption);
const benches = readdirSync(join(here, 'benches'))
  .filter((name) => name.endsWith('.mjs'))
  .filter((name) => wanted.length === 0 || wanted.includes(basename(name, '.mjs')))
  .sort();

let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n== bench ${basename(bench, '.mjs')}\n`);
  const result = await execa(process.execPath, ['--expose-gc', join(here, 'benches', bench), ...options], {
    stdio: 'inherit',
    reject: false,
  });
  if (result.exitCode !== 0) failed += 1;
}
process.stdout.write(`\n${benches.length - failed} of ${benches.length} benches passed\n`);
process.exitCode = failed === 0 ? 0 : 1;
