import { Kysely, type Migration, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { claimJob, openState, type State } from '../src/index.js';
import * as initial from '../src/migrations/001-initial.js';
import * as sweepsAndBuildDeliveries from '../src/migrations/002-sweeps-and-build-deliveries.js';
import * as sessions from '../src/migrations/003-sessions.js';
import * as branchesAndMergeHolds from '../src/migrations/004-branches-and-merge-holds.js';
import { forEachBackend, usePostgres } from './support/backends.js';
import { deliver, openPullRequest } from './support/deliveries.js';

// Migration 005 renames the per-environment `leases` table the environment's `claims`, its constraints
// (and the primary key's index) with it: a database that held claims under the old name keeps them.

async function claimsSchema(state: State) {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_name IN ('leases', 'claims')`.execute(state.db);
  const constraints = await sql<{ name: string }>`
    SELECT conname AS name FROM pg_constraint
    WHERE conrelid = 'claims'::regclass ORDER BY conname`.execute(state.db);
  const indexes = await sql<{ name: string }>`
    SELECT indexname AS name FROM pg_indexes WHERE tablename = 'claims'`.execute(state.db);
  return {
    tables: tables.rows.map((row) => row.name),
    constraints: constraints.rows.map((row) => row.name),
    indexes: indexes.rows.map((row) => row.name),
  };
}

const renamed = {
  tables: ['claims'],
  constraints: ['claims_environment_id_fkey', 'claims_pkey'],
  indexes: ['claims_pkey'],
};

forEachBackend((open) => {
  it('names the table, its keys and its index claims', async () => {
    const state = await open();
    expect(await claimsSchema(state)).toEqual(renamed);
  });
});

describe('a database migrated before 005', () => {
  const postgres = usePostgres();
  const before: Record<string, Migration> = {
    '001-initial': initial,
    '002-sweeps-and-build-deliveries': sweepsAndBuildDeliveries,
    '003-sessions': sessions,
    '004-branches-and-merge-holds': branchesAndMergeHolds,
  };

  it('keeps the rows it held in leases, as claims', async () => {
    const databaseUrl = await postgres.freshDatabaseUrl();
    const pool = new pg.Pool({ connectionString: databaseUrl });
    const old = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      const migrated = await new Migrator({
        db: old,
        provider: { getMigrations: async () => before },
      }).migrateToLatest();
      expect(migrated.error).toBeUndefined();
      // What a replica of the previous release left: an environment held by its running job.
      await sql`INSERT INTO repositories (full_name) VALUES ('acme/shop')`.execute(old);
      await sql`
        INSERT INTO environments (repository_id, build_uuid, kind, pull_request_number, status, desired_sha, generation)
        VALUES (1, 'pr-1', 'pull_request', 1, 'building', 'a1', 1)`.execute(old);
      await sql`
        INSERT INTO leases (environment_id, holder, token, expires_at)
        VALUES (1, 'replica-a', 'token-a', now() + interval '1 hour')`.execute(old);
    } finally {
      await old.destroy();
    }
    const state = await openState({ databaseUrl });
    try {
      expect(await claimsSchema(state)).toEqual(renamed);
      const rows = await sql<{ environment_id: number; holder: string; token: string }>`
        SELECT environment_id, holder, token FROM claims`.execute(state.db);
      expect(rows.rows).toEqual([{ environment_id: 1, holder: 'replica-a', token: 'token-a' }]);
      // Still held: no other replica claims a job of that environment.
      await deliver(state, 'acme/shop', openPullRequest(2, 'b1'));
      const other = await claimJob(state, { replica: 'replica-b', claimSeconds: 30 });
      expect(other?.environment.buildUuid).not.toBe('pr-1');
    } finally {
      await state.close();
    }
  });
});
