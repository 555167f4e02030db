import type { Kysely } from 'kysely';
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
  // Each backend's driver loads only when it is the one opened: PGlite's module and WebAssembly are no
  // cost of a server on Postgres, and pg none of one on PGlite.
  const db = databaseUrl
    ? await (await import('./open-postgres.js')).openPostgres(databaseUrl)
    : await (await import('./open-pglite.js')).openPglite(options.dataDir ?? DEFAULT_STATE_DIR);
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
