import type { BuildRecord, EnvironmentDetail, EnvironmentSummary } from '@deployer/state';

/** One service of an environment as its last finished build left it. */
export interface ServiceView {
  service: string;
  status: string;
  image: string;
  digest: string | null;
  cacheHitRatio: number;
  durationMs: number;
}

interface ReportLike {
  services?: Array<{
    service: string;
    status: string;
    image: string;
    digest: string | null;
    cacheHitRatio: number;
    durationMs: number;
  }>;
}

/** The services of the newest build that has a build report (a teardown's result has none). */
export function servicesOf(builds: readonly BuildRecord[]): ServiceView[] {
  const withReport = builds.find(
    (build) => build.kind === 'build' && Array.isArray((build.report as ReportLike | null)?.services),
  );
  const report = withReport?.report as ReportLike | undefined;
  return (report?.services ?? []).map((service) => ({
    service: service.service,
    status: service.status,
    image: service.image,
    digest: service.digest,
    cacheHitRatio: service.cacheHitRatio,
    durationMs: service.durationMs,
  }));
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

/** One environment with its services (images, digests, cache hit ratios) and last builds. */
export function detailView(environment: EnvironmentDetail) {
  return {
    ...summaryView(environment),
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
