import { type Kysely, sql } from 'kysely';

// Migration 002: periodic sweeps (TTL teardown, cache gc) that all replicas share, one row per sweep,
// claimed by the replica that runs the current interval's sweep; and the delivery that queued each build,
// so every log line of a build can name it; and whether a build is forced (a rebuild builds even what
// exists).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sweeps (
      name text PRIMARY KEY,
      holder text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`ALTER TABLE builds ADD COLUMN delivery_id text`.execute(db);
  await sql`ALTER TABLE builds ADD COLUMN force boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE builds DROP COLUMN force`.execute(db);
  await sql`ALTER TABLE builds DROP COLUMN delivery_id`.execute(db);
  await sql`DROP TABLE sweeps`.execute(db);
}
