export { type MetricName, metricNames } from './metric-names.js';
export {
  type BuildOutcome,
  createServerMetrics,
  type GitHubRequestKind,
  type ServerMetrics,
  type ServerMetricsOptions,
  type WebhookDeliveryResult,
} from './server-metrics.js';
