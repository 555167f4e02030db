import { type Kysely, sql } from 'kysely';

// Migration 001: the tables of the design (docs in the README). Raw SQL: constraints read as Postgres does.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE repositories (
      id serial PRIMARY KEY,
      full_name text NOT NULL UNIQUE
    )`.execute(db);
  await sql`
    CREATE TABLE pull_requests (
      repository_id integer NOT NULL REFERENCES repositories (id),
      number integer NOT NULL,
      build_uuid text NOT NULL,
      head_sha text NOT NULL,
      state text NOT NULL CHECK (state IN ('open', 'closed')),
      labels jsonb NOT NULL DEFAULT '[]'::jsonb,
      title text NOT NULL DEFAULT '',
      PRIMARY KEY (repository_id, number)
    )`.execute(db);
  await sql`
    CREATE TABLE environments (
      id serial PRIMARY KEY,
      repository_id integer NOT NULL REFERENCES repositories (id),
      build_uuid text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('pull_request', 'fallback')),
      pull_request_number integer,
      status text NOT NULL CHECK (status IN ('queued', 'building', 'built', 'failed', 'deleting', 'deleted')),
      desired_sha text NOT NULL,
      generation integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_activity_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (repository_id, build_uuid)
    )`.execute(db);
  await sql`
    CREATE TABLE builds (
      id serial PRIMARY KEY,
      environment_id integer NOT NULL REFERENCES environments (id),
      kind text NOT NULL CHECK (kind IN ('build', 'down')),
      sha text NOT NULL,
      generation integer NOT NULL,
      status text NOT NULL
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'superseded', 'cancelled')),
      engine text,
      report jsonb,
      error text,
      queued_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      replica text
    )`.execute(db);
  await sql`CREATE INDEX builds_environment ON builds (environment_id, id DESC)`.execute(db);
  await sql`
    CREATE TABLE jobs (
      id serial PRIMARY KEY,
      build_id integer NOT NULL UNIQUE REFERENCES builds (id),
      environment_id integer NOT NULL REFERENCES environments (id),
      state text NOT NULL CHECK (state IN ('queued', 'running', 'done')),
      claimed_by text,
      claimed_at timestamptz,
      attempts integer NOT NULL DEFAULT 0
    )`.execute(db);
  // Claims scan only the jobs not done.
  await sql`CREATE INDEX jobs_open ON jobs (id) WHERE state <> 'done'`.execute(db);
  // The environment's claim held by the replica running its job (renamed `claims` by migration 005).
  await sql`
    CREATE TABLE leases (
      environment_id integer PRIMARY KEY REFERENCES environments (id),
      holder text NOT NULL,
      token text NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE deliveries (
      delivery_id text PRIMARY KEY,
      event text NOT NULL,
      action text,
      repository text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      result text
    )`.execute(db);
}
