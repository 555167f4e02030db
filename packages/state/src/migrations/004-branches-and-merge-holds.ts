import { type Kysely, sql } from 'kysely';

// Migration 004 (issue 26): branch environments and merged pull requests' held teardowns.
// - pull_requests: the base and head branches (stacked pull requests warm from their parent's environment,
//   others from their base branch's), and once closed: when, and the merge commit when it merged.
// - environments: the branch a branch environment (kind `fallback`) builds; null for pull requests.
// - jobs: a merged pull request's `down` is held until its base branch's build has warmed from it, or until
//   `held_until` (the server config's `mergeHold`); claims skip it until then.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE pull_requests ADD COLUMN base_ref text`.execute(db);
  await sql`ALTER TABLE pull_requests ADD COLUMN head_ref text`.execute(db);
  await sql`ALTER TABLE pull_requests ADD COLUMN merged_sha text`.execute(db);
  await sql`ALTER TABLE pull_requests ADD COLUMN closed_at timestamptz`.execute(db);
  await sql`ALTER TABLE environments ADD COLUMN branch text`.execute(db);
  await sql`ALTER TABLE jobs ADD COLUMN held_until timestamptz`.execute(db);
  // Import orders look pull requests up by the branch they merge into and the branch they come from.
  await sql`CREATE INDEX pull_requests_base_ref ON pull_requests (repository_id, base_ref)`.execute(db);
  await sql`CREATE INDEX pull_requests_head_ref ON pull_requests (repository_id, head_ref)`.execute(db);
  await sql`CREATE INDEX environments_branch ON environments (repository_id, branch)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX environments_branch`.execute(db);
  await sql`DROP INDEX pull_requests_head_ref`.execute(db);
  await sql`DROP INDEX pull_requests_base_ref`.execute(db);
  await sql`ALTER TABLE jobs DROP COLUMN held_until`.execute(db);
  await sql`ALTER TABLE environments DROP COLUMN branch`.execute(db);
  await sql`ALTER TABLE pull_requests DROP COLUMN closed_at`.execute(db);
  await sql`ALTER TABLE pull_requests DROP COLUMN merged_sha`.execute(db);
  await sql`ALTER TABLE pull_requests DROP COLUMN head_ref`.execute(db);
  await sql`ALTER TABLE pull_requests DROP COLUMN base_ref`.execute(db);
}
