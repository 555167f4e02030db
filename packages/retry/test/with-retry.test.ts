import { describe, expect, it } from 'vitest';
import { RetryError } from '../src/errors.js';
import { type RetryInfo, withRetry } from '../src/with-retry.js';

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

function failing(times: number, make = (attempt: number) => new Error(`failure ${attempt}`)) {
  const seen: number[] = [];
  const task = async (attempt: number) => {
    seen.push(attempt);
    if (attempt <= times) throw make(attempt);
    return `ok after ${attempt}`;
  };
  return { task, seen };
}

describe('withRetry', () => {
  it('counts attempts in all, the first included', async () => {
    const { task, seen } = failing(2);
    await expect(withRetry(task, { ...fast, attempts: 3 })).resolves.toEqual({
      value: 'ok after 3',
      attempts: 3,
    });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('runs exactly `attempts` times, then throws the last failure as it is', async () => {
    const { task, seen } = failing(5);
    await expect(withRetry(task, { ...fast, attempts: 3 })).rejects.toThrow('failure 3');
    expect(seen).toEqual([1, 2, 3]);
    const once = failing(5);
    await expect(withRetry(once.task, { ...fast, attempts: 1 })).rejects.toThrow('failure 1');
    expect(once.seen).toEqual([1]);
  });

  it('stops at a failure shouldRetry refuses', async () => {
    const { task, seen } = failing(5);
    const shouldRetry = (_error: unknown, attempt: number) => attempt < 2;
    await expect(withRetry(task, { ...fast, attempts: 5, shouldRetry })).rejects.toThrow('failure 2');
    expect(seen).toEqual([1, 2]);
  });

  it('announces each retry with the attempt to come and waits the backoff, or what retryAfterMs asks', async () => {
    const retries: RetryInfo[] = [];
    const { task } = failing(2, (attempt) =>
      Object.assign(new Error('busy'), { after: attempt === 2 ? 30 : undefined }),
    );
    const started = performance.now();
    await withRetry(task, {
      attempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 100,
      random: () => 0.5,
      retryAfterMs: (error) => (error as { after?: number }).after,
      onRetry: (retry) => retries.push(retry),
    });
    expect(retries.map(({ attempt, delayMs }) => ({ attempt, delayMs }))).toEqual([
      { attempt: 2, delayMs: 10 },
      { attempt: 3, delayMs: 30 },
    ]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
  });

  it('ends the wait on abort with ABORTED, the runs so far and the last failure', async () => {
    const controller = new AbortController();
    const { task, seen } = failing(5);
    const running = withRetry(task, {
      attempts: 5,
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(new Error('stop')), 10),
    });
    const error = await running.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryError);
    expect(error).toMatchObject({ code: 'ABORTED', attempts: 1, lastError: { message: 'failure 1' } });
    expect((error as RetryError).cause).toEqual(new Error('stop'));
    expect(seen).toEqual([1]);
  });

  it('rejects a policy that is not attempts in all', async () => {
    const { task, seen } = failing(0);
    await expect(withRetry(task, { ...fast, attempts: 0 })).rejects.toMatchObject({
      code: 'INVALID_POLICY',
      message: expect.stringContaining('runs in all, the first included'),
    });
    await expect(withRetry(task, { attempts: 2, baseDelayMs: -1, maxDelayMs: 5 })).rejects.toMatchObject({
      code: 'INVALID_POLICY',
    });
    expect(seen).toEqual([]);
  });
});
