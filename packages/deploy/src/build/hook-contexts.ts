import type { HookBuildReport, HookTeardownResult } from '@deployer/contracts';
import type { DownResult } from '../cleanup/down-environment.js';
import type { BuildReport } from './report.js';

/**
 * A build report as a config module's `afterBuild` hook sees it: contracts' stable, narrow shape, copied
 * (a hook that changes it changes nothing of the report deployer prints or stores).
 */
export function hookBuildReport(report: BuildReport): HookBuildReport {
  return {
    buildUuid: report.buildUuid,
    engine: report.engine,
    ok: report.ok,
    services: report.services.map((service) => ({
      service: service.service,
      status: service.status,
      image: service.image,
      digest: service.digest,
      cacheHitRatio: service.cacheHitRatio,
      ...(service.reason !== undefined && { reason: service.reason }),
    })),
  };
}

/** A teardown's result as an `afterTeardown` hook sees it. */
export function hookTeardownResult(result: DownResult): HookTeardownResult {
  return {
    buildUuid: result.buildUuid,
    dryRun: result.dryRun,
    actions: result.actions.map((action) => ({
      ref: action.ref,
      action: action.action,
      deleted: action.deleted,
    })),
  };
}
