import type { BuildReport } from '@deployer/deploy';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { metricNames } from './metric-names.js';

/** How a build (or teardown) job ended: state's `finishJob` outcome. */
export type BuildOutcome = 'succeeded' | 'failed' | 'superseded' | 'cancelled';

/** What a GitHub feedback call was for (`deployer_github_requests_total{kind}`). */
export type GitHubRequestKind = 'check-run' | 'commit-status' | 'comment' | 'deployment';

/** What became of a webhook delivery, as `POST /webhooks/github` answered it. */
export type WebhookDeliveryResult =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'unauthorized'
  | 'invalid'
  | 'unknown-repository'
  | 'too-large';

export interface ServerMetricsOptions {
  /** Jobs waiting to be claimed (state's `countQueuedJobs`), asked on every scrape. */
  queueDepth: () => Promise<number>;
}

export interface ServerMetrics {
  /** This server's own registry (never prom-client's global one): two servers in a process never clash. */
  readonly registry: Registry;
  /** A finished build or teardown job: counted by status and engine, its duration observed. */
  recordBuild(build: { engine: string; status: BuildOutcome; durationSeconds: number }): void;
  /** A job claimed after waiting this long in the queue (queued → started). */
  recordQueueWait(seconds: number): void;
  /** A service's cache hit ratio in its repository's latest build (0…1). */
  recordServiceCacheHitRatio(sample: { repository: string; service: string; ratio: number }): void;
  /** Cache seeded from a fallback's by registry-side mounts: the bytes and blobs linked in. */
  recordSeeding(seeded: { bytes?: number; blobs?: number }): void;
  /**
   * Everything a finished build's report says that the metrics keep: each built service's cache hit
   * ratio, and what seeding mounted.
   */
  recordBuildReport(repository: string, report: Pick<BuildReport, 'services'>): void;
  /** A job taken over from a replica whose claim of the environment expired. */
  recordClaimTakeover(): void;
  recordWebhookDelivery(result: WebhookDeliveryResult): void;
  /** One TTL sweep: whether it completed, and how many idle environments it tore down. */
  recordTtlSweep(sweep: { result: 'succeeded' | 'failed'; environmentsRemoved: number }): void;
  /** An outgoing hook delivery that ended (`delivered` or `failed`), and the requests it took. */
  recordHookDelivery(delivery: { event: string; outcome: 'delivered' | 'failed'; attempts: number }): void;
  /** One call of GitHub feedback (after the client's retries): what it was for and whether it worked. */
  recordGitHubRequest(request: { kind: GitHubRequestKind; outcome: 'succeeded' | 'failed' }): void;
  /** GitHub answered with a rate limit (primary or secondary); the client waits and retries or gives up. */
  recordGitHubRateLimit(limit: 'primary' | 'secondary'): void;
  /** The Prometheus text exposition for `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
}

// From a cached rebuild (seconds) to a cold multi-service build (an hour).
const buildDurationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
// From a claim at once to a queue backed up behind long builds.
const queueWaitBuckets = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** The server's Prometheus metrics in a registry of its own, with one typed recorder per event. */
export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const builds = new Counter({
    name: metricNames.builds,
    help: 'Build and teardown jobs finished, by status and engine',
    labelNames: ['status', 'engine'] as const,
    registers,
  });
  const buildDuration = new Histogram({
    name: metricNames.buildDuration,
    help: 'Duration of build and teardown jobs from start to finish, in seconds',
    labelNames: ['engine', 'status'] as const,
    buckets: buildDurationBuckets,
    registers,
  });
  const queueWait = new Histogram({
    name: metricNames.queueWait,
    help: 'Time jobs waited in the queue before a replica claimed them, in seconds',
    buckets: queueWaitBuckets,
    registers,
  });
  const cacheHitRatio = new Gauge({
    name: metricNames.serviceCacheHitRatio,
    help: "Share of a service's build steps its cache supplied, cached / (total - shared), in the latest build",
    labelNames: ['repository', 'service'] as const,
    registers,
  });
  const seedingBytes = new Counter({
    name: metricNames.seedingBytes,
    help: "Bytes of cache blobs placed in environments' own cache refs by seeding (registry mounts: linked, not uploaded)",
    registers,
  });
  const seedingBlobs = new Counter({
    name: metricNames.seedingBlobs,
    help: "Cache blobs placed in environments' own cache refs by seeding",
    registers,
  });
  new Gauge({
    name: metricNames.queueDepth,
    help: 'Jobs queued and not yet claimed, read from the state on every scrape',
    registers,
    async collect() {
      this.set(await options.queueDepth());
    },
  });
  const claimTakeovers = new Counter({
    name: metricNames.claimTakeovers,
    help: 'Jobs taken over from a replica whose claim of the environment expired',
    registers,
  });
  const webhookDeliveries = new Counter({
    name: metricNames.webhookDeliveries,
    help: 'GitHub webhook deliveries received, by result',
    labelNames: ['result'] as const,
    registers,
  });
  const ttlSweeps = new Counter({
    name: metricNames.ttlSweeps,
    help: 'TTL sweeps run, by result',
    labelNames: ['result'] as const,
    registers,
  });
  const ttlEnvironmentsRemoved = new Counter({
    name: metricNames.ttlEnvironmentsRemoved,
    help: 'Environments torn down by TTL sweeps for being idle past their TTL',
    registers,
  });
  const githubRequests = new Counter({
    name: metricNames.githubRequests,
    help: 'GitHub feedback calls (check runs, commit statuses, comments, deployments), by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const githubRateLimits = new Counter({
    name: metricNames.githubRateLimits,
    help: 'GitHub answers that were rate limits, by limit (primary, secondary)',
    labelNames: ['limit'] as const,
    registers,
  });

  const hookDeliveries = new Counter({
    name: metricNames.hookDeliveries,
    help: 'Outgoing hook deliveries ended, by event and outcome (delivered or failed after every attempt)',
    labelNames: ['event', 'outcome'] as const,
    registers,
  });
  const hookAttempts = new Counter({
    name: metricNames.hookAttempts,
    help: 'Requests made to outgoing hooks (first attempts and retries), by event',
    labelNames: ['event'] as const,
    registers,
  });

  const metrics: ServerMetrics = {
    registry,
    recordBuild({ engine, status, durationSeconds }) {
      builds.inc({ status, engine });
      buildDuration.observe({ engine, status }, durationSeconds);
    },
    recordQueueWait(seconds) {
      queueWait.observe(seconds);
    },
    recordServiceCacheHitRatio({ repository, service, ratio }) {
      cacheHitRatio.set({ repository, service }, ratio);
    },
    recordSeeding({ bytes, blobs }) {
      if (bytes !== undefined && bytes > 0) seedingBytes.inc(bytes);
      if (blobs !== undefined && blobs > 0) seedingBlobs.inc(blobs);
    },
    recordBuildReport(repository, report) {
      for (const service of report.services) {
        // Only a service this build built has a ratio of its own; a skipped one reports 0.
        if (service.status === 'built') {
          metrics.recordServiceCacheHitRatio({
            repository,
            service: service.service,
            ratio: service.cacheHitRatio,
          });
        }
        if (service.seeding?.status === 'mounted') metrics.recordSeeding(service.seeding);
      }
    },
    recordClaimTakeover() {
      claimTakeovers.inc();
    },
    recordWebhookDelivery(result) {
      webhookDeliveries.inc({ result });
    },
    recordTtlSweep({ result, environmentsRemoved }) {
      ttlSweeps.inc({ result });
      if (environmentsRemoved > 0) ttlEnvironmentsRemoved.inc(environmentsRemoved);
    },
    recordGitHubRequest({ kind, outcome }) {
      githubRequests.inc({ kind, outcome });
    },
    recordGitHubRateLimit(limit) {
      githubRateLimits.inc({ limit });
    },
    recordHookDelivery({ event, outcome, attempts }) {
      hookDeliveries.inc({ event, outcome });
      if (attempts > 0) hookAttempts.inc({ event }, attempts);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
  return metrics;
}
