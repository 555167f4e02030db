import { type Kysely, sql } from 'kysely';

// Migration 002: periodic sweeps (TTL teardown, cache gc) that all replicas share: one row per sweep,
// claimed by the replica that runs the current interval's sweep.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sweeps (
      name text PRIMARY KEY,
      holder text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sweeps`.execute(db);
}
