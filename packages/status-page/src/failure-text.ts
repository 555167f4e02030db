import { type BuildReportView, readBuildReport, type ServiceReportView } from './report-view.js';
import type { BuildRecord, EnvironmentSummary } from './view-types.js';

/**
 * A build without its failure text: no `error`, and its report read (only the fields the pages know)
 * with each failed service's reason, step and log tail removed; statuses, images, digests, steps
 * counted, cache hit ratios, durations and a failure's cause (a fixed word) stay. A cache refresh that did
 * not happen loses its reason too: it may quote a registry's error.
 */
export function buildWithoutFailureText(build: BuildRecord): BuildRecord {
  const report = readBuildReport(build.report);
  return { ...build, error: null, report: report === null ? null : reportWithoutFailureText(report) };
}

function reportWithoutFailureText(report: BuildReportView): BuildReportView {
  return {
    ...report,
    services: report.services.map((service) => {
      const failed = service.status === 'failed' || service.failure !== null;
      if (!failed) return withoutRefreshFailure(service);
      return {
        ...service,
        reason: null,
        failure: service.failure && { cause: service.failure.cause, step: null, logTail: [] },
      };
    }),
  };
}

function withoutRefreshFailure(service: ServiceReportView): ServiceReportView {
  const refresh = service.cacheRefresh;
  if (refresh === null || refresh.status !== 'none') return service;
  return { ...service, cacheRefresh: { ...refresh, reason: null } };
}

/**
 * An environment (a summary, or a detail with its builds) as a visitor who may not read failure text
 * sees it. The pages render from this copy, so no part of a page can print what it removed.
 */
export function withoutFailureText<T extends EnvironmentSummary & { builds?: readonly BuildRecord[] }>(
  environment: T,
): T {
  return {
    ...environment,
    ...(environment.lastBuild !== undefined && {
      lastBuild: buildWithoutFailureText(environment.lastBuild),
    }),
    ...(environment.builds !== undefined && { builds: environment.builds.map(buildWithoutFailureText) }),
  };
}
