import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';
import { defaultRetryPolicy } from '../src/with-retry.js';

describe('backoffDelay', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 1_000, maxDelayMs: 5_000 };

  it('doubles per retry within ±50 % jitter, capped', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, () => 0.5))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
    expect(backoffDelay(2, policy, () => 0)).toBe(1_000);
    expect(backoffDelay(2, policy, () => 0.999)).toBe(2_998);
  });

  it('never waits longer than maxDelayMs, jitter included, nor less than half the nominal delay', () => {
    const small = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(4, small, () => 0.999)).toBe(1_000);
    expect(backoffDelay(9, small, () => 0.999)).toBe(1_000);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(3, small);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(600);
    }
  });
});
