import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultRetryPolicy } from '../src/index.js';

describe('backoffDelay', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 1_000, maxDelayMs: 5_000 };

  it('doubles per retry within ±50 % jitter, capped', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, () => 0.5))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
    expect(backoffDelay(2, policy, () => 0)).toBe(1_000);
    expect(backoffDelay(2, policy, () => 0.999)).toBe(2_998);
  });
});
