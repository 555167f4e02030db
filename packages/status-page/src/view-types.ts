// TODO(lead): import from @deployer/state
// The server's view of its environments, exactly as serve-design.md's state model returns them
// (`listEnvironments`, `getEnvironment`). Dates are `Date`s; `report` is deploy's `reportToJson(report)`
// parsed, already secret-masked by deploy.

export interface BuildRecord {
  id: number;
  kind: 'build' | 'down';
  sha: string;
  generation: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'superseded' | 'cancelled';
  engine: string | null;
  report: unknown | null;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  replica: string | null;
}

export interface EnvironmentSummary {
  buildUuid: string;
  repository: string;
  kind: 'pull_request' | 'fallback';
  pullRequestNumber: number | null;
  pullRequestTitle: string | null;
  status: 'queued' | 'building' | 'built' | 'failed' | 'deleting' | 'deleted';
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
