import type { BuildRecord, EnvironmentDetail, EnvironmentSummary } from '@deployer/state';
import { newestImportOrder, readBuildReport } from '@deployer/status-page';

/**
 * The services of the newest build with a build report (a teardown's result has none), read as the
 * status pages read it: each field only when it has the expected type. `cacheRefresh` says whether a
 * skipped service's own cache was brought up to date from the cache of the environment that built its
 * image (null for a service without one).
 */
export function servicesOf(builds: readonly BuildRecord[]) {
  for (const build of builds) {
    if (build.kind !== 'build') continue;
    const report = readBuildReport(build.report);
    if (report === null || report.services.length === 0) continue;
    return report.services.map(
      ({ service, status, image, digest, cacheHitRatio, durationMs, cacheRefresh }) => ({
        service,
        status,
        image,
        digest,
        cacheHitRatio,
        durationMs,
        cacheRefresh,
      }),
    );
  }
  return [];
}

/** An environment as the API shows it in a list. */
export function summaryView(environment: EnvironmentSummary) {
  return {
    buildUuid: environment.buildUuid,
    repository: environment.repository,
    kind: environment.kind,
    pullRequest: environment.pullRequestNumber,
    title: environment.pullRequestTitle,
    status: environment.status,
    sha: environment.desiredSha,
    generation: environment.generation,
    createdAt: environment.createdAt,
    updatedAt: environment.updatedAt,
    lastBuild: environment.lastBuild ? buildView(environment.lastBuild) : null,
  };
}

/**
 * One environment with the caches its newest build imported (`importOrder`: own first, then fallbacks,
 * each with why; from the newest build report that records one, null when none does), its services
 * (images, digests, cache hit ratios, cache refreshes) and last builds.
 */
export function detailView(environment: EnvironmentDetail) {
  return {
    ...summaryView(environment),
    importOrder: newestImportOrder(environment.builds)?.importOrder ?? null,
    services: servicesOf(environment.builds),
    builds: environment.builds.map(buildView),
  };
}

function buildView(build: BuildRecord) {
  return {
    id: build.id,
    kind: build.kind,
    sha: build.sha,
    generation: build.generation,
    status: build.status,
    engine: build.engine,
    error: build.error,
    queuedAt: build.queuedAt,
    startedAt: build.startedAt,
    finishedAt: build.finishedAt,
    replica: build.replica,
    report: build.report,
  };
}
