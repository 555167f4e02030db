export interface RetryPolicy {
  /** Attempts in all for transient failures, the first included. Default 3. */
  attempts: number;
  /** Delay before the first retry; doubles each time. Default 1000 ms. */
  baseDelayMs: number;
  /** Upper bound of one delay. Default 30 s. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * Delay before retry number `retry` (1-based): exponential, capped, with ±50 % jitter so that builds
 * failing together (a daemon restart) do not come back together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential * (0.5 + random()));
}
