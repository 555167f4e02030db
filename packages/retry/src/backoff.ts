/** How long to wait between runs: exponential from `baseDelayMs`, never above `maxDelayMs`. */
export interface BackoffPolicy {
  /** Delay before the first retry; doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay, jitter included. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1-based: the first retry is 1): exponential, with ±50 % jitter so
 * that runs failing together (a daemon restart, an overloaded registry) do not come back together, and
 * capped at `maxDelayMs`. Unlike "full jitter" (anywhere in [0, delay]) it never retries at once: the
 * attempts always span at least half the nominal backoff, so a short outage cannot use them all up.
 */
export function backoffDelay(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.min(policy.maxDelayMs, Math.round(exponential * (0.5 + random())));
}
