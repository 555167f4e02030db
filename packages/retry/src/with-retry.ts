import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelay } from './backoff.js';
import { RetryError } from './errors.js';

export interface RetryPolicy extends BackoffPolicy {
  /** Runs in all, the first included: 1 means no retry. */
  attempts: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 };

export interface RetryInfo {
  /** The attempt about to run (2 for the first retry). */
  attempt: number;
  /** The failure of the attempt before. */
  error: unknown;
  /** How long the loop waits before it. */
  delayMs: number;
}

export interface WithRetryOptions extends RetryPolicy {
  /** Aborting ends the wait for the next attempt with a RetryError `ABORTED`. */
  signal?: AbortSignal;
  /** Whether a failure is worth another run (attempts permitting). Default: every failure is. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** A wait the failure itself asks for (an HTTP `Retry-After`), instead of the backoff; undefined: none. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Told before each wait: announce the retry. */
  onRetry?: (retry: RetryInfo) => void;
  /** The jitter's source; default Math.random. */
  random?: () => number;
}

/**
 * Runs `task` (given the attempt number, 1-based) until it succeeds, fails in a way `shouldRetry`
 * refuses, or `attempts` runs are used up; between runs it waits `retryAfterMs` or backoffDelay. The
 * task's last error is thrown as it is; the task knows the attempt number, so it can say it.
 */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  options: WithRetryOptions,
): Promise<{ value: T; attempts: number }> {
  validatePolicy(options);
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await task(attempt), attempts: attempt };
    } catch (error) {
      if (attempt >= options.attempts || !(options.shouldRetry?.(error, attempt) ?? true)) throw error;
      const delayMs = options.retryAfterMs?.(error) ?? backoffDelay(attempt, options, options.random);
      options.onRetry?.({ attempt: attempt + 1, error, delayMs });
      try {
        await sleep(delayMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
      } catch (cause) {
        throw new RetryError('ABORTED', `aborted while waiting for attempt ${attempt + 1}`, {
          attempts: attempt,
          lastError: error,
          cause: options.signal?.reason ?? cause,
        });
      }
    }
  }
}

function validatePolicy(policy: RetryPolicy): void {
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RetryError(
      'INVALID_POLICY',
      `retry attempts must be an integer ≥ 1 (runs in all, the first included), got ${policy.attempts}`,
    );
  }
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new RetryError('INVALID_POLICY', `retry ${key} must be a number ≥ 0, got ${policy[key]}`);
    }
  }
}
