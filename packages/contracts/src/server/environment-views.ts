// How `deployer serve` shows its environments: what @deployer/state's queries return and what the API and
// @deployer/status-page render. Defined once here, so the pages need no database package to know them.

import type { BuildUuid } from '../build-uuid.js';

export type EnvironmentKind = 'pull_request' | 'fallback';

export type EnvironmentStatus = 'queued' | 'building' | 'built' | 'failed' | 'deleting' | 'deleted';

export type BuildKind = 'build' | 'down';

export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'superseded' | 'cancelled';

export interface BuildRecord {
  id: number;
  kind: BuildKind;
  sha: string;
  generation: number;
  status: BuildStatus;
  engine: string | null;
  report: unknown | null;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  replica: string | null;
}

export interface EnvironmentSummary {
  /** Validated before the server stored it (state reads it back as one). */
  buildUuid: BuildUuid;
  repository: string;
  kind: EnvironmentKind;
  pullRequestNumber: number | null;
  pullRequestTitle: string | null;
  status: EnvironmentStatus;
  desiredSha: string;
  generation: number;
  createdAt: Date;
  updatedAt: Date;
  lastActivityAt: Date;
  lastBuild?: BuildRecord;
}

export interface EnvironmentDetail extends EnvironmentSummary {
  /** Newest first, at most 20. */
  builds: BuildRecord[];
}
