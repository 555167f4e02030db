import { rm } from 'node:fs/promises';
import type { RegistryProfileEntry } from '@deployer/contracts';
import {
  buildEnvironment,
  type DeployEvent,
  downEnvironment,
  type FallbackChoice,
  hookBuildReport,
  hookTeardownResult,
  planEnvironment,
} from '@deployer/deploy';
import {
  type ClaimedJob,
  finishJob,
  jobFallbacks,
  markBuildRunning,
  releaseJob,
  renewClaim,
  type State,
} from '@deployer/state';
import type { RepositoryConfig } from '../config/server-config-schema.js';
import { checkoutDir } from './checkout-dir.js';
import { checkoutEnvironment } from './checkout-environment.js';
import { withCheckoutRelative } from './checkout-paths.js';
import { keepClaim } from './claim-keeper.js';
import { importableFallbacks } from './importable-fallbacks.js';
import type { JobOutcome } from './job-outcome.js';
import type { LifecycleCaller } from './lifecycle-hooks.js';
import { operatorSettingsFor, secretVariables } from './operator-settings.js';
import type { ServerPorts } from './ports.js';
import { lastBuiltDir, teardownCheckout } from './teardown-checkout.js';

export interface RunJobOptions {
  state: State;
  ports: ServerPorts;
  repository: RepositoryConfig | undefined;
  workDir: string;
  claimSeconds: number;
  /**
   * The process environment: where the secrets the server config lists are read (a build sees only
   * those), and the engine choice and insecure registries.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** The operator's config module's registry profiles, for the checkout's cache registry. */
  registryProfiles?: readonly RegistryProfileEntry[];
  /** Aborts the job from outside (a shutdown past its deadline). */
  signal: AbortSignal;
  /** Each service's progress (deploy's events), for the logs. */
  onEvent?: (event: DeployEvent) => void;
  /** The operator's config module's hooks (before and after a build, after a teardown); never fail a job. */
  lifecycle?: LifecycleCaller;
}

/**
 * Runs one claimed job under its environment's claim: checks out the commit, loads the environment's spec confined to
 * the checkout, builds it (warm from the environments jobFallbacks names, each with why) or tears it down, and
 * records the outcome. A job whose environment moved on while it ran ends `superseded`; one whose claim
 * was taken over writes nothing (the replica that took it records the outcome).
 */
export async function runJob(job: ClaimedJob, options: RunJobOptions): Promise<JobOutcome> {
  const started = Date.now();
  const claim = keepClaim(options.state, job, options.claimSeconds);
  const signal = AbortSignal.any([claim.signal, options.signal]);
  const { repository, buildUuid } = job.environment;
  const dir = checkoutDir(options.workDir, repository, buildUuid, job.sha, job.claimToken);
  let outcome: Omit<JobOutcome, 'durationMs'>;
  try {
    outcome = await work(job, options, dir, signal);
  } catch (error) {
    outcome = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  } finally {
    claim.stop();
  }
  let loss = claim.loss();
  // A newer push may have arrived since the last renewal: finishJob records such a build superseded, and
  // so does what this replica reports.
  if (loss === undefined && !options.signal.aborted) {
    const last = await renewClaim(options.state, job, options.claimSeconds).catch(() => undefined);
    if (last?.held === false) loss = 'claim-lost';
    else if (last?.superseded) loss = 'superseded';
  }
  if (loss === 'superseded') outcome = { ...outcome, status: 'superseded' };
  else if (loss === undefined && options.signal.aborted) outcome = { ...outcome, status: 'cancelled' };
  const result: JobOutcome = { ...withCheckoutRelative(outcome, dir), durationMs: Date.now() - started };
  // A lost claim means another replica owns the job now: this one records nothing. A shutdown puts the
  // job back in the queue, its claim released, for another replica or the next start.
  if (result.status === 'cancelled') await releaseJob(options.state, job);
  else if (loss !== 'claim-lost') {
    await finishJob(options.state, job, {
      status: result.status,
      ...(result.report !== undefined && { report: result.report }),
      ...(result.error !== undefined && { error: result.error }),
    });
  }
  await rm(dir, { recursive: true, force: true }).catch(() => {});
  await rm(lastBuiltDir(dir), { recursive: true, force: true }).catch(() => {});
  return result;
}

async function work(
  job: ClaimedJob,
  options: RunJobOptions,
  dir: string,
  signal: AbortSignal,
): Promise<Omit<JobOutcome, 'durationMs'>> {
  const repository = options.repository;
  if (repository === undefined) {
    return {
      status: 'failed',
      error: `repository ${job.environment.repository} is no longer in the server config`,
    };
  }
  const kind = job.environment.kind;
  const buildUuid = job.environment.buildUuid;
  if (job.kind === 'down') {
    const environment = await teardownCheckout(job, repository, options, dir, signal);
    const registry = options.ports.registryFor(environment);
    const report = await downEnvironment(environment, { registry, buildUuid, signal });
    await options.lifecycle?.('afterTeardown', { buildUuid, result: hookTeardownResult(report) });
    const failed = report.actions.filter(
      (action) => action.action !== 'absent' && action.action !== 'keep' && !action.deleted,
    );
    return failed.length === 0
      ? { status: 'succeeded', report }
      : {
          status: 'failed',
          report,
          error: `could not delete ${failed.map((action) => action.ref).join(', ')}`,
        };
  }
  const environment = await checkoutEnvironment(repository, kind, job.sha, dir, options, signal);
  const registry = options.ports.registryFor(environment);
  const engine = await options.ports.engineFor(environment);
  await markBuildRunning(options.state, job, engine.name);
  // The fallbacks are the state's import order for this job, read now (after the claim), so the order
  // deliveries came in does not matter: stacked parent, base branch, merged pull requests, the default
  // branch's (the spec's own are never read: see checkoutEnvironment).
  const fallbacks: FallbackChoice[] = importableFallbacks(
    await jobFallbacks(options.state, job, { fallback: repository.fallback }),
    repository,
    kind,
  );
  const plan = await planEnvironment(environment, {
    buildUuid,
    fallbacks,
    engine: engine.cacheFlavour,
    force: job.force,
    registry,
    signal,
  });
  await options.lifecycle?.('beforeBuild', {
    buildUuid,
    services: plan.services.map((service) => service.service),
    engine: engine.name,
  });
  const report = await buildEnvironment(plan, {
    engine: engine.engine,
    registry,
    signal,
    // The checkout is the worker's own: its files' mtimes become functions of their contents, so a BuildKit
    // daemon that reuses another build's upload (another pull request's) never keeps its bytes.
    contentMtimes: true,
    // The build looks up secrets here alone: the variables of the secrets the server config gives it.
    env: secretVariables(operatorSettingsFor(repository, kind), options.env),
    ...(options.onEvent && { onEvent: options.onEvent }),
  });
  await options.lifecycle?.('afterBuild', { buildUuid, report: hookBuildReport(report) });
  if (report.ok && report.totals.superseded === 0)
    return { status: 'succeeded', engine: engine.name, report };
  const failed = report.services.find((service) => service.status === 'failed');
  return {
    status: 'failed',
    engine: engine.name,
    report,
    // deploy's reason already names the failed step.
    error: failed ? `${failed.service}: ${failed.reason ?? 'failed'}` : 'superseded by another run of deploy',
  };
}
