/**
 * Every metric `deployer serve` exposes at `/metrics`, by name: the dashboard in
 * examples/grafana/deployer-dashboard.json queries exactly these (its test checks both ways).
 */
export const metricNames = {
  builds: 'deployer_builds_total',
  buildDuration: 'deployer_build_duration_seconds',
  queueWait: 'deployer_queue_wait_seconds',
  serviceCacheHitRatio: 'deployer_service_cache_hit_ratio',
  seedingBytes: 'deployer_seeding_bytes_total',
  seedingBlobs: 'deployer_seeding_blobs_total',
  queueDepth: 'deployer_queue_depth',
  claimTakeovers: 'deployer_claim_takeovers_total',
  webhookDeliveries: 'deployer_webhook_deliveries_total',
  ttlSweeps: 'deployer_ttl_sweeps_total',
  ttlEnvironmentsRemoved: 'deployer_ttl_environments_removed_total',
  hookDeliveries: 'deployer_hook_deliveries_total',
  hookAttempts: 'deployer_hook_delivery_attempts_total',
  githubRequests: 'deployer_github_requests_total',
  githubRateLimits: 'deployer_github_rate_limits_total',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];
