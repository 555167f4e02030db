import type { BuildReport, DownResult } from '@deployer/deploy';

export type JobStatus = 'succeeded' | 'failed' | 'superseded' | 'cancelled';

/** What one job came to, for the state, the logs and the metrics. */
export interface JobOutcome {
  status: JobStatus;
  engine?: string;
  /** deploy's build report, or the teardown's result. */
  report?: BuildReport | DownResult;
  /** Why it failed, in words a user can act on (already free of secret values). */
  error?: string;
  durationMs: number;
}
