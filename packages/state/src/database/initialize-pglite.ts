import { access, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { execa } from 'execa';
import { StateError } from '../errors.js';

/** Where, inside the state folder, a new database is made before it is moved into place (`.initdb-<pid>`). */
const SCRATCH = '.initdb';
/** Postgres's own mark of a data folder; moved into place last, so a folder with it is whole. */
const VERSION_FILE = 'PG_VERSION';

/**
 * The child: PGlite makes the database (its initdb) in the scratch folder, then closes. CommonJS (`node -e`),
 * so it runs the same from the built package and from the sources under test.
 */
const CHILD = `
const [entry, dataDir, initdbArgs, v8Flags] = process.argv.slice(1);
require('node:v8').setFlagsFromString(v8Flags);
const { PGlite } = require(entry);
PGlite.create(dataDir, { initDbStartParams: JSON.parse(initdbArgs) })
  .then((pglite) => pglite.close())
  .then(() => process.exit(0))
  .catch((error) => {
    process.stderr.write(String((error && error.stack) || error));
    process.exit(1);
  });
`;

/**
 * Makes the embedded database when `dataDir` holds none yet. PGlite's initdb runs a second Postgres and
 * initdb's own WebAssembly beside the first, and copies their memory: ~630 MB at its peak, and a process
 * that ran it kept ~650 MB it no longer used (`deployer serve` idled at 830 MB after a first start). So it
 * runs in a short-lived child process, whose memory all goes back when it exits, and the server then opens
 * the finished folder as it opens one at a restart. The database is made in `<dataDir>/.initdb-<pid>` and
 * moved into place with `PG_VERSION` last: a start killed half way leaves a folder the next start makes
 * again, never one PGlite would take for a database.
 */
export async function initializePglite(
  dataDir: string,
  options: { initdbArgs: readonly string[]; v8Flags: string },
): Promise<void> {
  // What an earlier start left (killed while the database was made): its own scratch folder each, so a
  // child such a start left running writes into a folder no one reads.
  for (const name of await readdir(dataDir)) {
    if (name.startsWith(SCRATCH)) await rm(join(dataDir, name), { recursive: true, force: true });
  }
  if (await exists(join(dataDir, VERSION_FILE))) return;
  const scratch = join(dataDir, `${SCRATCH}-${process.pid}`);
  await runInitdb(scratch, options);
  for (const name of await readdir(scratch)) {
    if (name === VERSION_FILE) continue;
    // What a start killed while moving left behind.
    await rm(join(dataDir, name), { recursive: true, force: true });
    await rename(join(scratch, name), join(dataDir, name));
  }
  await rename(join(scratch, VERSION_FILE), join(dataDir, VERSION_FILE));
  await rm(scratch, { recursive: true, force: true });
}

async function runInitdb(
  scratch: string,
  options: { initdbArgs: readonly string[]; v8Flags: string },
): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const result = await execa(
    process.execPath,
    ['-e', CHILD, entry, scratch, JSON.stringify(options.initdbArgs), options.v8Flags],
    { reject: false, stdin: 'ignore', maxBuffer: 16 * 1024 * 1024 },
  );
  if (result.exitCode === 0) return;
  const detail = String(result.stderr).trim().slice(-2000) || result.message;
  throw new StateError('INIT_FAILED', `PGlite could not make the state database in ${scratch}: ${detail}`, {
    cause: result,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
