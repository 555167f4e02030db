import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StateDatabase } from './schema.js';

/** A Postgres server (several replicas share it). Loaded only for a `postgres://` URL: PGlite never loads pg. */
export async function openPostgres(url: string): Promise<Kysely<StateDatabase>> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's error (the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) });
}
