// The public types of @deployer/state, in one place: what the server passes in and gets back. The views of
// environments and builds are @deployer/contracts' (the status pages render them too).
import type { BuildKind, BuildUuid, EnvironmentKind } from '@deployer/contracts';

export type {
  BuildKind,
  BuildRecord,
  BuildStatus,
  EnvironmentDetail,
  EnvironmentKind,
  EnvironmentStatus,
  EnvironmentSummary,
} from '@deployer/contracts';

export type JobState = 'queued' | 'running' | 'done';

/** What a webhook delivery asks for, decided by the server from the event. */
export type Intent =
  | {
      type: 'build-pull-request';
      number: number;
      headSha: string;
      title: string;
      labels: string[];
      /** The branch it merges into: it warms from that branch's environment. */
      baseRef?: string;
      /** Its head branch when a branch of this repository (null for a fork's): pull requests into it stack on it. */
      headRef?: string | null;
    }
  | {
      type: 'close-pull-request';
      number: number;
      merged?: boolean;
      /** The merge commit on the base branch (merged only). */
      mergeCommitSha?: string | null;
      baseRef?: string;
      headRef?: string | null;
      /**
       * Merged into a branch with an environment: its `down` waits until that branch's build has warmed
       * from it, or this many seconds (the server config's `mergeHold`). 0 or absent: torn down at once.
       */
      holdSeconds?: number;
    }
  | {
      type: 'build-fallback';
      fallback: BuildUuid;
      sha: string;
      /** The default branch's name, recorded on the environment. */
      branch?: string;
    }
  /** A push to a non-default branch the server config lists: its environment (kind `fallback`). */
  | { type: 'build-branch'; branch: string; buildUuid: BuildUuid; sha: string }
  /** A listed non-default branch was deleted: its environment is torn down. */
  | { type: 'delete-branch'; branch: string; buildUuid: BuildUuid }
  | { type: 'ignore'; reason: string };

export interface DeliveryInput {
  /** `X-GitHub-Delivery`: a repeat is a duplicate. */
  deliveryId: string;
  event: string;
  action?: string;
  /** GitHub full name, `owner/name`. */
  repository: string;
}

export interface AcceptedDelivery {
  duplicate: boolean;
  buildUuid?: BuildUuid;
  buildId?: number;
}

export type RebuildResult = { buildId: number } | { error: 'not-found' | 'ambiguous' | 'deleted' };

export interface ClaimedEnvironment {
  id: number;
  buildUuid: BuildUuid;
  repository: string;
  kind: EnvironmentKind;
  pullRequestNumber: number | null;
  /** The branch a branch environment builds (kind `fallback`); null for pull requests and older rows. */
  branch: string | null;
}

export interface ClaimedJob {
  jobId: number;
  buildId: number;
  kind: BuildKind;
  sha: string;
  generation: number;
  /** When the build was queued: how long it waited is `claimed − queuedAt`. */
  queuedAt: Date;
  /** The delivery that queued the build; null for a rebuild or a sweep's teardown. */
  deliveryId: string | null;
  /** A rebuild: every service is built even when its image exists. */
  force: boolean;
  environment: ClaimedEnvironment;
  /** Identifies this job's claim of its environment: every write of the job checks it is still the environment's. */
  claimToken: string;
  /** The job was running under a claim that expired (its replica died or stalled). */
  takeover: boolean;
}

export interface ClaimOptions {
  /** Who claims: stored on the job and the build. */
  replica: string;
  /** The environment's claim lasts this long from the database's `now()`, renewed with renewClaim. */
  claimSeconds: number;
}

/** One environment a job's build imports after its own cache, and why (deploy's `FallbackChoice`). */
export interface JobFallback {
  buildUuid: BuildUuid;
  why: string;
  /** What that environment is to this one: the server decides by it, never by the wording of `why`. */
  relation: 'stacked-pull-request' | 'base-branch' | 'merged-pull-request' | 'default-branch';
}

export interface ClaimStatus {
  /** false: another replica took the environment over; stop at once and write nothing. */
  held: boolean;
  /** true: the environment's generation moved past the job's (a newer SHA, a close, a rebuild). */
  superseded: boolean;
}

export interface JobOutcome {
  status: 'succeeded' | 'failed' | 'superseded' | 'cancelled';
  /** deploy's `reportToJson(report)`, parsed. */
  report?: unknown;
  error?: string;
}

export interface OpenStateOptions {
  /** `postgres://` or `postgresql://`: a Postgres server (several replicas). Otherwise PGlite in dataDir. */
  databaseUrl?: string;
  /** PGlite's folder (created when missing). Default `.deployer/state`. */
  dataDir?: string;
}
