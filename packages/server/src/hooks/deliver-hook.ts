import { RetryError, withRetry } from '@deployer/retry';
import type { HookDeliveryResult } from '@deployer/state';
import { sign } from '@octokit/webhooks-methods';
import { HookAttemptError } from './hook-attempt-error.js';
import type { HookPayload } from './hook-payload.js';
import { postHook } from './post-hook.js';

export interface HookDeliveryPolicy {
  /** Requests in all, the first included. */
  attempts: number;
  timeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` obeyed. */
  maxRetryAfterMs: number;
}

export interface DeliverHookOptions extends HookDeliveryPolicy {
  url: string;
  secret: string;
  ca?: string | undefined;
  signal?: AbortSignal;
  /** Told before each retry (for the logs). */
  onRetry?: (retry: { attempt: number; error: HookAttemptError; delayMs: number }) => void;
}

/** What the receiver gets besides the body. The signature is GitHub's scheme, over the exact bytes sent. */
export async function hookHeaders(payload: HookPayload, body: string, secret: string) {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'deployer-hooks',
    'X-Deployer-Event': payload.event,
    'X-Deployer-Delivery': payload.deliveryId,
    'X-Deployer-Signature-256': await sign(secret, body),
  };
}

/**
 * Delivers one payload: signed once, then POSTed until the receiver answers 2xx, answers something a
 * retry would not change (4xx other than 429), or the attempts are used up; network errors, timeouts,
 * 5xx and 429 are retried with backoff, or after the receiver's `Retry-After` (capped). Never throws:
 * the result is what the state records.
 */
export async function deliverHook(
  payload: HookPayload,
  options: DeliverHookOptions,
): Promise<HookDeliveryResult> {
  const body = JSON.stringify(payload);
  const headers = await hookHeaders(payload, body, options.secret);
  let attempts = 0;
  try {
    const { value: statusCode } = await withRetry(
      (attempt) => {
        attempts = attempt;
        return postHook({
          url: options.url,
          body,
          headers,
          ca: options.ca,
          timeoutMs: options.timeoutMs,
          maxRetryAfterMs: options.maxRetryAfterMs,
          ...(options.signal !== undefined && { signal: options.signal }),
        });
      },
      {
        attempts: options.attempts,
        baseDelayMs: options.baseDelayMs,
        maxDelayMs: options.maxDelayMs,
        ...(options.signal !== undefined && { signal: options.signal }),
        shouldRetry: (error) =>
          error instanceof HookAttemptError && error.retryable && !options.signal?.aborted,
        retryAfterMs: (error) => (error instanceof HookAttemptError ? error.retryAfterMs : undefined),
        onRetry: ({ attempt, error, delayMs }) =>
          options.onRetry?.({ attempt, error: error as HookAttemptError, delayMs }),
      },
    );
    return { outcome: 'delivered', attempts, statusCode, lastError: null };
  } catch (error) {
    const last = error instanceof RetryError ? error.lastError : error;
    const stopped = error instanceof RetryError ? '; the server stopped before the next attempt' : '';
    return {
      outcome: 'failed',
      attempts,
      statusCode: last instanceof HookAttemptError ? last.statusCode : null,
      lastError: `${last instanceof HookAttemptError ? last.message : 'the delivery failed'}${stopped}`,
    };
  }
}
