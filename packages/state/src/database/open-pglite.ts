import { mkdir } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { initializePglite } from './initialize-pglite.js';
import type { StateDatabase } from './schema.js';

/**
 * Postgres settings of the embedded database, given at every start (over a folder's own `postgresql.conf`,
 * so folders made before get them too) and written into a new folder's. PGlite leaves Postgres's
 * `shared_buffers = 128MB`, and the buffers live in PGlite's WebAssembly memory: ~115 MB of the process's
 * resident memory, for a database of a few MB. 16 MB is 2048 pages, many times the state's working set;
 * smaller measured no lower (bench/benches/serve-footprint.mjs).
 */
const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
};

/**
 * V8 compiles PGlite's WebAssembly (10 MB) with Liftoff, its baseline compiler, then recompiles the busiest
 * functions with TurboFan in the background: ~65 MB more of the process's resident memory (code and the
 * compiler's own), for queries 10–15 % faster, and the state's queries are few and small. `--liftoff-only`
 * keeps the baseline code. A V8 flag is the process's: it holds for every WebAssembly module compiled after
 * it (in `deployer serve` PGlite's, and undici's HTTP parser once `fetch` runs). Set before PGlite
 * compiles; the child that makes a new database sets it too.
 */
const WASM_V8_FLAGS = '--liftoff-only';

/** PGlite (embedded Postgres, one replica) in `dataDir`, made there first when it holds no database. */
export async function openPglite(dataDir: string): Promise<Kysely<StateDatabase>> {
  await mkdir(dataDir, { recursive: true });
  setFlagsFromString(WASM_V8_FLAGS);
  const settings = Object.entries(PGLITE_SETTINGS);
  await initializePglite(dataDir, {
    initdbArgs: settings.flatMap(([name, value]) => ['--set', `${name}=${value}`]),
    v8Flags: WASM_V8_FLAGS,
  });
  const pglite = await PGlite.create(dataDir, {
    startParams: [
      ...PGlite.defaultStartParams,
      ...settings.flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
  });
  return new Kysely<StateDatabase>({ dialect: new PGliteDialect(pglite) });
}
