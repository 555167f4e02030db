export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff step; doubles per attempt. Default 200 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff step. Default 5 s. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is reported instead. Default 60 s. */
  maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    retries: options.retries ?? 3,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
}

/**
 * "Full jitter" exponential backoff: a random delay in [0, min(max, base·2^attempt)], so that many
 * clients hitting the same overloaded registry spread out instead of retrying in lockstep.
 */
export function backoffDelay(
  attempt: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unparsable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** 429 and server errors are worth another try; 501 (not implemented) never gets better. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status <= 599);
}

/** GET/HEAD/PUT/DELETE may be repeated without changing the outcome; POST/PATCH may not. */
export function isIdempotentMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE';
}
