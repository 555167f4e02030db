import { Writable } from 'node:stream';
import { type BuildReport, type ServiceResult, validateBuildUuid } from '@deployer/deploy';
import type { ClaimedJob } from '@deployer/state';
import { createGitHubFeedback, type GitHubFeedback } from '../../src/github/github-feedback.js';
import { createLogger, createServerMetrics, type ServerConfig, type ServerMetrics } from '../../src/index.js';
import type { JobOutcome } from '../../src/worker/job-outcome.js';
import { config } from '../helpers/deliveries.js';

export const repository = 'Codertocat/Hello-World';
export const headSha = '9fceb02d0ae598e95dc970b74767f19372d61af8';

/** GitHub's pacing shrunk for tests: no spacing between writes, retry-after seconds as milliseconds. */
export const testPacing = {
  writeSpacingMs: 0,
  notifySpacingMs: 0,
  retryAfterUnitMs: 1,
  rateLimitRetries: 2,
  serverErrorRetries: 1,
};

/** A server config of one repository with this `github:` section. */
export function configWithGitHub(github: Record<string, unknown>): ServerConfig {
  return config([{ name: repository, spec: 'deploy/env.yaml', github }]);
}

export interface Harness {
  feedback: GitHubFeedback;
  metrics: ServerMetrics;
  /** Every log line, parsed. */
  lines: Array<Record<string, unknown>>;
  /** The value of a counter's series in /metrics, or 0. */
  counter(name: string, labels: Record<string, string>): Promise<number>;
}

export async function feedbackFor(
  serverConfig: ServerConfig,
  credentialsEnv: Record<string, string | undefined>,
): Promise<Harness> {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const metrics = createServerMetrics({ queueDepth: async () => 0 });
  const feedback = await createGitHubFeedback({
    config: serverConfig,
    credentialsEnv,
    logger,
    metrics,
    pacing: testPacing,
  });
  return {
    feedback,
    metrics,
    lines,
    async counter(name, labels) {
      const metric = (await metrics.registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
      const value = metric?.values.find((sample) =>
        Object.entries(labels).every(([key, expected]) => String(sample.labels[key]) === expected),
      );
      return Number(value?.value ?? 0);
    },
  };
}

let buildIds = 40;

/** A claimed build job of a pull request environment (as the worker hands it to observers). */
export function pullRequestJob(
  overrides: { buildUuid?: string; number?: number; kind?: 'build' | 'down'; sha?: string } = {},
): ClaimedJob {
  return {
    jobId: buildIds,
    buildId: buildIds++,
    kind: overrides.kind ?? 'build',
    sha: overrides.sha ?? headSha,
    generation: 1,
    queuedAt: new Date(),
    deliveryId: null,
    force: false,
    environment: {
      id: 1,
      buildUuid: validateBuildUuid(overrides.buildUuid ?? 'pr-12-abc123'),
      repository,
      kind: 'pull_request',
      pullRequestNumber: overrides.number ?? 12,
      branch: null,
    },
    claimToken: 'claim',
    takeover: false,
  };
}

export function service(
  name: string,
  status: ServiceResult['status'],
  extra: Partial<ServiceResult> = {},
): ServiceResult {
  return {
    service: name,
    buildUuid: 'pr-12-abc123',
    status,
    image: `registry.example.test/previews/r0/${name}:c0ffee`,
    images: [],
    digest: status === 'failed' ? null : `sha256:${'a'.repeat(64)}`,
    cacheHitRatio: 0.75,
    steps: { total: 4, cached: 3, shared: 0 } as ServiceResult['steps'],
    durationMs: 1000,
    healed: false,
    corruptCacheRefs: [],
    missingCacheRefs: [],
    attempts: 1,
    ...extra,
  } as ServiceResult;
}

export function buildOutcome(status: JobOutcome['status'], services: ServiceResult[]): JobOutcome {
  const report = {
    buildUuid: 'pr-12-abc123',
    runId: 'run',
    fallbacks: [],
    importOrder: [],
    engine: 'fake',
    startedAt: new Date().toISOString(),
    durationMs: 10,
    ok: status === 'succeeded',
    totals: { built: 0, skipped: 0, superseded: 0, failed: 0 },
    services,
  } satisfies BuildReport;
  return {
    status,
    engine: 'fake',
    report,
    durationMs: 10,
    ...(status === 'failed' && { error: 'api: RUN echo $NPM_TOKEN printed ghp_secretvalue' }),
  };
}
