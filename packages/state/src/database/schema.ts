import type { BuildUuid } from '@deployer/contracts';
import type { ColumnType, Generated } from 'kysely';
import type { HookDeliveriesTable } from '../hooks/hook-deliveries-table.js';
import type { BuildKind, BuildStatus, EnvironmentKind, EnvironmentStatus, JobState } from '../types.js';

// The tables as Kysely sees them (migrations 001 to 006). Times are written as the database's `now()`
// (sql-values.ts), never a replica's clock, except a session's (sessions/: hours, where seconds of skew
// between replicas do not matter); JSON through `jsonb()`.
type DatabaseTime = ColumnType<Date, Date | undefined, Date>;
type NullableTime = ColumnType<Date | null, Date | null | undefined, Date | null>;
type Json = ColumnType<unknown, unknown, unknown>;
/**
 * Build uuid columns: written only as BuildUuid (validated by deploy's rule before they reach the state),
 * so the rows read back as BuildUuid. This declaration is the one cast for both tables that hold them.
 */
type BuildUuidColumn = BuildUuid;

export interface RepositoriesTable {
  id: Generated<number>;
  full_name: string;
}

export interface PullRequestsTable {
  repository_id: number;
  number: number;
  build_uuid: BuildUuidColumn;
  head_sha: string;
  state: 'open' | 'closed';
  labels: Json;
  title: string;
  /** The branch it merges into (migration 004; null for rows delivered before). */
  base_ref: ColumnType<string | null, string | null | undefined, string | null>;
  /** Its head branch when that is a branch of this repository; null for a fork's. */
  head_ref: ColumnType<string | null, string | null | undefined, string | null>;
  /** The merge commit on the base branch, once merged. */
  merged_sha: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the close was recorded (database time). */
  closed_at: NullableTime;
}

export interface EnvironmentsTable {
  id: Generated<number>;
  repository_id: number;
  build_uuid: BuildUuidColumn;
  kind: EnvironmentKind;
  pull_request_number: number | null;
  /** The branch a branch environment (kind `fallback`) builds; null for pull requests (migration 004). */
  branch: ColumnType<string | null, string | null | undefined, string | null>;
  status: EnvironmentStatus;
  desired_sha: string;
  generation: number;
  created_at: DatabaseTime;
  updated_at: DatabaseTime;
  last_activity_at: DatabaseTime;
}

export interface BuildsTable {
  id: Generated<number>;
  environment_id: number;
  kind: BuildKind;
  sha: string;
  generation: number;
  status: BuildStatus;
  engine: string | null;
  report: Json;
  error: string | null;
  queued_at: DatabaseTime;
  started_at: NullableTime;
  finished_at: NullableTime;
  replica: string | null;
  /** `X-GitHub-Delivery` of the delivery that queued it; null for a rebuild or a sweep. */
  delivery_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** A rebuild: build every service even when its image exists. */
  force: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface JobsTable {
  id: Generated<number>;
  build_id: number;
  environment_id: number;
  state: JobState;
  claimed_by: string | null;
  claimed_at: NullableTime;
  attempts: Generated<number>;
  /** A merged pull request's held `down`: not claimed before this time unless released (null). */
  held_until: NullableTime;
}

export interface ClaimsTable {
  environment_id: number;
  holder: string;
  token: string;
  expires_at: DatabaseTime;
}

export interface DeliveriesTable {
  delivery_id: string;
  event: string;
  action: string | null;
  repository: string;
  received_at: DatabaseTime;
  result: string | null;
}

export interface SweepsTable {
  name: string;
  holder: string;
  started_at: DatabaseTime;
}

/** A status page sign-in (migration 003); times are the server's clock, see sessions/. */
export interface SessionsTable {
  /** SHA-256 (hex) of the session id: the id itself lives only in the browser's cookie. */
  id_hash: string;
  created_at: Date;
  expires_at: Date;
}

export interface StateDatabase {
  repositories: RepositoriesTable;
  pull_requests: PullRequestsTable;
  environments: EnvironmentsTable;
  builds: BuildsTable;
  jobs: JobsTable;
  claims: ClaimsTable;
  deliveries: DeliveriesTable;
  sweeps: SweepsTable;
  sessions: SessionsTable;
  hook_deliveries: HookDeliveriesTable;
}
