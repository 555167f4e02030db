import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { StateError } from '../errors.js';
import { migrateToLatest } from '../migrations/migrate.js';
import type { OpenStateOptions } from '../types.js';
import type { StateDatabase } from './schema.js';

export const DEFAULT_STATE_DIR = '.deployer/state';

export interface State {
  kind: 'pglite' | 'postgres';
  /** The query builder every function of this package uses; for this package and its tests. */
  readonly db: Kysely<StateDatabase>;
  close(): Promise<void>;
}

/** Whether a database URL names a Postgres server. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * Opens the state and migrates it: Postgres for a `postgres://` URL (several replicas share it), else PGlite
 * (embedded Postgres) in `dataDir` (one replica).
 */
export async function openState(options: OpenStateOptions = {}): Promise<State> {
  const { databaseUrl } = options;
  if (databaseUrl !== undefined && databaseUrl !== '' && !isPostgresUrl(databaseUrl)) {
    throw new StateError(
      'INVALID_DATABASE_URL',
      'databaseUrl (--database-url / DATABASE_URL) must start with postgres:// or postgresql://; leave it unset for the embedded PGlite state',
    );
  }
  const kind = databaseUrl ? 'postgres' : 'pglite';
  const db = databaseUrl
    ? await openPostgres(databaseUrl)
    : await openPglite(options.dataDir ?? DEFAULT_STATE_DIR);
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    kind,
    db,
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}

async function openPostgres(url: string): Promise<Kysely<StateDatabase>> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's error (the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) });
}

async function openPglite(dataDir: string): Promise<Kysely<StateDatabase>> {
  await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  return new Kysely<StateDatabase>({ dialect: new PGliteDialect(pglite) });
}
