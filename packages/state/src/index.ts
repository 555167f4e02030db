// The public API of @deployer/state: open it, then one function per query the server runs.

export { renewClaim } from './claims/renew-claim.js';
export { DEFAULT_STATE_DIR, isPostgresUrl, openState, type State } from './database/open-state.js';
export type { StateDatabase } from './database/schema.js';
export { acceptDelivery } from './deliveries/accept-delivery.js';
export { expiredEnvironments, type IdleEnvironment } from './environments/expired-environments.js';
export { requestRebuild } from './environments/request-rebuild.js';
export { requestTeardown } from './environments/request-teardown.js';
export { StateError, type StateErrorCode } from './errors.js';
export {
  finishHookDelivery,
  HOOK_ERROR_MAX_CHARS,
  type HookDeliveryResult,
} from './hooks/finish-hook-delivery.js';
export { type HookBuildFacts, hookBuildFacts } from './hooks/hook-build-facts.js';
export type { HookDeliveryOutcome, HookDeliveryRecord, HookEvent } from './hooks/hook-deliveries-table.js';
export { HOOK_DELIVERIES_MAX, listHookDeliveries } from './hooks/list-hook-deliveries.js';
export { type StartHookDeliveryInput, startHookDelivery } from './hooks/start-hook-delivery.js';
export { claimJob } from './jobs/claim-job.js';
export { countQueuedJobs } from './jobs/count-queued-jobs.js';
export { finishJob } from './jobs/finish-job.js';
export { markBuildRunning } from './jobs/mark-build-running.js';
export { releaseJob } from './jobs/release-job.js';
export { BUILDS_SHOWN, getEnvironment } from './queries/get-environment.js';
export { jobFallbacks } from './queries/job-fallbacks.js';
export { listEnvironments } from './queries/list-environments.js';
export { liveBuildUuids } from './queries/live-build-uuids.js';
export { syncRepositories } from './repositories/sync-repositories.js';
export { type CreateSessionOptions, createSession } from './sessions/create-session.js';
export { findSession, type SessionRecord } from './sessions/find-session.js';
export { revokeAllSessions, revokeSession } from './sessions/revoke-sessions.js';
export { type ClaimSweepOptions, claimSweep } from './sweeps/claim-sweep.js';
export type {
  AcceptedDelivery,
  BuildKind,
  BuildRecord,
  BuildStatus,
  ClaimedEnvironment,
  ClaimedJob,
  ClaimOptions,
  ClaimStatus,
  DeliveryInput,
  EnvironmentDetail,
  EnvironmentKind,
  EnvironmentStatus,
  EnvironmentSummary,
  Intent,
  JobFallback,
  JobOutcome,
  JobState,
  OpenStateOptions,
  RebuildResult,
} from './types.js';
