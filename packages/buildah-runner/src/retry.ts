import { setTimeout as sleep } from 'node:timers/promises';
import { BuildahError } from './errors.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: BuildahError) => void;
}

/**
 * Runs `task` until it succeeds, fails for a reason other than a transient registry failure, or the
 * attempts are used up; waits `baseDelayMs`, then twice that, and so on between attempts.
 */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await task(attempt), attempts: attempt };
    } catch (error) {
      const retryable = error instanceof BuildahError && error.kind === 'transient';
      if (!retryable || attempt >= policy.attempts || policy.signal?.aborted) {
        throw error instanceof BuildahError ? error.withAttempts(attempt) : error;
      }
      policy.onRetry?.(attempt + 1, error);
      try {
        await sleep(policy.baseDelayMs * 2 ** (attempt - 1), undefined, { signal: policy.signal });
      } catch {
        throw new BuildahError('CANCELLED', 'the build was cancelled', {
          kind: 'cancelled',
          attempts: attempt,
          cause: error,
        });
      }
    }
  }
}
