export { type BackoffPolicy, backoffDelay } from './backoff.js';
export { RetryError, type RetryErrorCode } from './errors.js';
export {
  defaultRetryPolicy,
  type RetryInfo,
  type RetryPolicy,
  type WithRetryOptions,
  withRetry,
} from './with-retry.js';
