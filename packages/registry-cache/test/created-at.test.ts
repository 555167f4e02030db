import { describe, expect, it } from 'vitest';
import { parseCreatedAt } from '../src/inventory/cache-measure.js';

describe('parseCreatedAt', () => {
  it('reads Go RFC 3339 timestamps with nanoseconds and offsets', () => {
    expect(parseCreatedAt('2023-05-01T12:00:00.123456789Z')?.toISOString()).toBe('2023-05-01T12:00:00.123Z');
    expect(parseCreatedAt('2023-05-01T12:00:00+02:00')?.toISOString()).toBe('2023-05-01T10:00:00.000Z');
    expect(parseCreatedAt('not a date')).toBeNull();
    expect(parseCreatedAt(undefined)).toBeNull();
  });
});
