// What the app and library users need to run the preview-environment server: the config, the server
// itself (HTTP app, worker, sweeps), the ports the app fills in, and the webhook, metrics and logging
// pieces for those who assemble their own.

export {
  type BranchEnvironment,
  branchBuildUuid,
  branchEnvironment,
} from './config/branch-environment.js';
export {
  type GitHubFeedbackConfig,
  githubCredentialVariables,
} from './config/github-feedback-schema.js';
export { type HookConfig, type HookEventName, hookEvents } from './config/hooks-schema.js';
export { loadServerConfig, parseServerConfig } from './config/load-server-config.js';
export { serverSecretVariables } from './config/operator-settings-schema.js';
export { ServerConfigError, type ServerConfigErrorCode } from './config/server-config-error.js';
export { serverConfigJsonSchema } from './config/server-config-json-schema.js';
export {
  type RepositoryConfig,
  type ServerConfig,
  type ServerConfigInput,
  ServerConfigSchema,
} from './config/server-config-schema.js';
export { GitHubFeedbackError, type GitHubFeedbackErrorCode } from './github/github-feedback-error.js';
export { type HookCas, readHookCaFiles } from './hooks/hook-ca-files.js';
export { type HookObserver, type HookObserverOptions, observeHooks } from './hooks/hook-observer.js';
export type { HookPayload, HookService } from './hooks/hook-payload.js';
export { type HookSecrets, hookSecretVariables, readHookSecrets } from './hooks/hook-secrets.js';
export { createServerApp, type ServerAppOptions } from './http/app.js';
export { bindRun, createLogger, type LoggerOptions, type RunFields } from './logging/index.js';
export { createServerMetrics, type ServerMetrics } from './metrics/index.js';
export { type RunningServer, type ServeOptions, startServer } from './server.js';
export { type RepositorySweep, sweepExpiredEnvironments, type TtlSweepOptions } from './sweeps/ttl-sweep.js';
export { type DeliveryIntent, intentFor, repositoryFor } from './webhooks/intent-for.js';
export {
  defaultWebhookMaxBytes,
  type VerifiedDelivery,
  type VerifyDeliveryOptions,
  verifyDelivery,
  type WebhookHeaders,
} from './webhooks/verify-delivery.js';
export { WebhookError, type WebhookErrorCode } from './webhooks/webhook-error.js';
export type { JobOutcome } from './worker/job-outcome.js';
export type { ServerEngine, ServerPorts } from './worker/ports.js';
export { startWorker, type Worker, type WorkerOptions } from './worker/worker.js';
