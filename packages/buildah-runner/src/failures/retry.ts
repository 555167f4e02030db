import { RetryError, withRetry } from '@deployer/retry';
import { BuildahError } from './errors.js';

export interface RetryPolicy {
  /** Runs in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: BuildahError) => void;
}

/**
 * Runs `task` until it succeeds, fails for a reason other than a transient registry failure, or the
 * attempts are used up, with @deployer/retry's backoff between runs. Its failure says how many runs it
 * took; an abort while waiting is CANCELLED.
 */
export async function retryTransient<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<{ value: T; attempts: number }> {
  try {
    return await withRetry(
      async (attempt) => {
        try {
          return await task(attempt);
        } catch (error) {
          throw error instanceof BuildahError ? error.withAttempts(attempt) : error;
        }
      },
      {
        attempts: policy.attempts,
        baseDelayMs: policy.baseDelayMs,
        maxDelayMs: policy.maxDelayMs,
        ...(policy.signal === undefined ? {} : { signal: policy.signal }),
        shouldRetry: (error) =>
          error instanceof BuildahError && error.kind === 'transient' && !policy.signal?.aborted,
        onRetry: ({ attempt, error }) => policy.onRetry?.(attempt, error as BuildahError),
      },
    );
  } catch (error) {
    if (!(error instanceof RetryError && error.code === 'ABORTED')) throw error;
    throw new BuildahError('CANCELLED', 'the build was cancelled', {
      kind: 'cancelled',
      attempts: error.attempts,
      cause: error.lastError,
    });
  }
}
