import { describe, expect, it } from 'vitest';
import { cacheHitRatio } from '../src/engine/cache-hit-ratio.js';

describe('cacheHitRatio', () => {
  it('is cached / (total - shared): a shared step counts on neither side', () => {
    expect(cacheHitRatio({ total: 10, cached: 3, shared: 4 })).toBe(0.5);
    expect(cacheHitRatio({ total: 4, cached: 4, shared: 0 })).toBe(1);
  });

  it('is 0 when the build resolved no step itself, never NaN', () => {
    expect(cacheHitRatio({ total: 0, cached: 0, shared: 0 })).toBe(0);
    expect(cacheHitRatio({ total: 3, cached: 0, shared: 3 })).toBe(0);
  });
});
