// The public API so far: the server config and webhook deliveries → intents. The worker and the HTTP app
// come next (serve-design.md).

export { loadServerConfig, parseServerConfig } from './config/load-server-config.js';
export { ServerConfigError, type ServerConfigErrorCode } from './config/server-config-error.js';
export { serverConfigJsonSchema } from './config/server-config-json-schema.js';
export {
  type RepositoryConfig,
  type ServerConfig,
  type ServerConfigInput,
  ServerConfigSchema,
} from './config/server-config-schema.js';
export type { DeliveryInput, Intent } from './webhooks/intent.js';
export { type DeliveryIntent, intentFor, repositoryFor } from './webhooks/intent-for.js';
export {
  defaultWebhookMaxBytes,
  type VerifiedDelivery,
  type VerifyDeliveryOptions,
  verifyDelivery,
  type WebhookHeaders,
} from './webhooks/verify-delivery.js';
export { WebhookError, type WebhookErrorCode } from './webhooks/webhook-error.js';
