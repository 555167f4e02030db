import { describe, expect, it } from 'vitest';
import { CacheConfigSchema, CacheRefError, cacheConfigJsonSchema, parseCacheConfig } from '../src/index.js';

describe('cache configuration', () => {
  it('fills defaults', () => {
    expect(parseCacheConfig({ registry: 'ghcr.io' })).toEqual({
      registry: 'ghcr.io',
      strategy: 'auto',
      mode: 'max',
      insecure: false,
      sharedExport: false,
    });
  });

  it.each([
    [{ registry: 'ghcr.io', strategy: 'nested' }, 'cache config strategy'],
    [{ registry: 'bad host!' }, 'cache config registry'],
    [{ registry: 'ghcr.io', repository: 'Next/Web' }, 'cache config repository'],
    [{ registry: 'ghcr.io', colour: 'blue' }, 'cache config (root)'],
  ])('names the path of %j', (input, part) => {
    try {
      parseCacheConfig(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CacheRefError);
      expect((error as CacheRefError).part).toBe(part);
    }
  });

  it('publishes a JSON Schema that matches the zod schema', () => {
    const schema = cacheConfigJsonSchema() as {
      properties: Record<string, { enum?: string[]; default?: unknown }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.required).toEqual(['registry']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(CacheConfigSchema.shape).sort());
    expect(schema.properties.strategy?.enum).toEqual(['auto', 'path', 'tag']);
    expect(schema.properties.mode?.default).toBe('max');
  });
});
