import { type Kysely, sql } from 'kysely';

// Migration 006 (issue 24): every outgoing hook delivery (`hooks:` in the server config) and what became of
// it, in the shared state so every replica's API and the operator see the same history. One row per hook,
// build and event: the unique key is how replicas agree that exactly one of them delivers it (a replica
// whose claim was taken over reports the same build's end too). `hook_url` holds no credentials (the
// server config refuses them in a hook URL, and the server stores it without its query); `last_error` is
// the server's short summary, never the receiver's body.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE hook_deliveries (
      id text PRIMARY KEY,
      hook_url text NOT NULL,
      event text NOT NULL CHECK (event IN ('built', 'failed', 'torn_down')),
      build_id integer NOT NULL REFERENCES builds (id),
      build_uuid text NOT NULL,
      repository text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      status_code integer,
      outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'delivered', 'failed')),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      UNIQUE (hook_url, build_id, event)
    )`.execute(db);
  // The API lists the newest first.
  await sql`CREATE INDEX hook_deliveries_newest ON hook_deliveries (created_at DESC, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE hook_deliveries`.execute(db);
}
