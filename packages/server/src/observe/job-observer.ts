import type { DeployEvent } from '@deployer/deploy';
import type { ClaimedJob } from '@deployer/state';
import type { Logger } from 'pino';
import { bindRun } from '../logging/index.js';
import type { ServerMetrics } from '../metrics/index.js';
import type { JobOutcome } from '../worker/job-outcome.js';

export interface JobObserver {
  started(job: ClaimedJob): void;
  event(job: ClaimedJob, event: DeployEvent): void;
  finished(job: ClaimedJob, outcome: JobOutcome): void;
}

/** A job's run id in the server's logs: its build row, which the API and the status page show too. */
export function runIdOf(job: Pick<ClaimedJob, 'buildId'>): string {
  return `build-${job.buildId}`;
}

function jobLogger(logger: Logger, job: ClaimedJob, service?: string): Logger {
  return bindRun(logger, {
    buildUuid: job.environment.buildUuid,
    runId: runIdOf(job),
    ...(service !== undefined && { service }),
    ...(job.deliveryId !== null && { deliveryId: job.deliveryId }),
  });
}

/**
 * What the server tells about its jobs: one log line per job start and end and per service start and
 * end (each with the build uuid, run id, delivery id and service), and the build metrics.
 */
export function observeJobs(logger: Logger, metrics: ServerMetrics): JobObserver {
  return {
    started(job) {
      const waitedSeconds = Math.max(0, (Date.now() - job.queuedAt.getTime()) / 1000);
      if (!job.takeover) metrics.recordQueueWait(waitedSeconds);
      else metrics.recordClaimTakeover();
      jobLogger(logger, job).info(
        {
          repository: job.environment.repository,
          kind: job.kind,
          sha: job.sha,
          takeover: job.takeover,
          queuedSeconds: Math.round(waitedSeconds * 10) / 10,
        },
        job.takeover ? `${job.kind} taken over from an expired claim` : `${job.kind} started`,
      );
    },
    event(job, { service, event: body }) {
      const log = () => jobLogger(logger, job, service);
      if (body.type === 'started') log().info('service build started');
      else if (body.type === 'healed') log().warn({ refs: body.refs }, 'corrupt cache refs deleted');
      else if (body.type === 'warning') log().warn(body.message);
      else if (body.type === 'finished') {
        const result = body.result;
        const line = {
          status: result.status,
          image: result.image,
          digest: result.digest,
          cacheHitRatio: result.cacheHitRatio,
          durationMs: result.durationMs,
          ...(result.failure?.step !== undefined && { failedStep: result.failure.step }),
          ...(result.reason !== undefined && { reason: result.reason }),
        };
        if (result.status === 'failed') log().error(line, 'service build failed');
        else log().info(line, `service ${result.status}`);
      }
    },
    finished(job, outcome) {
      metrics.recordBuild({
        engine: outcome.engine ?? 'none',
        status: outcome.status,
        durationSeconds: outcome.durationMs / 1000,
      });
      const report = outcome.report;
      if (report !== undefined && 'services' in report) {
        metrics.recordBuildReport(job.environment.repository, report);
      }
      const line = {
        status: outcome.status,
        durationMs: outcome.durationMs,
        ...(outcome.engine !== undefined && { engine: outcome.engine }),
        ...(outcome.error !== undefined && { error: outcome.error }),
      };
      const log = jobLogger(logger, job);
      if (outcome.status === 'failed') log.error(line, `${job.kind} failed`);
      else log.info(line, `${job.kind} ${outcome.status}`);
    },
  };
}
