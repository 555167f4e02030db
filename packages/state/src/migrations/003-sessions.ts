import { type Kysely, sql } from 'kysely';

// Migration 003: the status pages' sign-in sessions, shared by every replica. Only a SHA-256 of each
// session id is kept, so a copy of the database signs no one in; expired rows are refused and pruned.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);
  // Pruning deletes by expiry.
  await sql`CREATE INDEX sessions_expires ON sessions (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sessions`.execute(db);
}
