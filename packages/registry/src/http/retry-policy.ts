export interface RetryOptions {
  /** Runs of one idempotent request in all, the first included. Default 4 (three retries). */
  attempts?: number;
  /** @deprecated Retries after the first run: `attempts` − 1. Ignored when `attempts` is given. */
  retries?: number;
  /** First backoff step; doubles per retry, ±50 % jitter (@deployer/retry's backoffDelay). Default 200 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff step. Default 5 s. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is reported instead. Default 60 s. */
  maxRetryAfterMs?: number;
}

export interface ResolvedRetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    attempts: options.attempts ?? (options.retries ?? 3) + 1,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
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
