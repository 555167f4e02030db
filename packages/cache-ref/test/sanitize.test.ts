import { describe, expect, it } from 'vitest';
import { sanitizeComponent } from '../src/grammar/sanitize.js';
import { CacheRefError, cacheLocations, parseCacheConfig, planCache } from '../src/index.js';
import { anyBuildUuid } from './support/build-uuids.js';

const options = { maxLength: 63, what: 'service' };

describe('sanitizeComponent', () => {
  it('keeps valid components unchanged', () => {
    for (const input of ['web', 'wandering-credit-924200', 'api.v2', 'my_service', 'a1']) {
      expect(sanitizeComponent(input, options)).toBe(input);
    }
  });

  it('lower-cases, collapses separators, trims, and appends a hash when it changes anything', () => {
    expect(sanitizeComponent('WEB', options)).toMatch(/^web-[0-9a-f]{10}$/);
    expect(sanitizeComponent('Feature//Login--Page', options)).toMatch(/^feature-login-page-[0-9a-f]{10}$/);
    expect(sanitizeComponent('--edge--', options)).toMatch(/^edge-[0-9a-f]{10}$/);
    expect(sanitizeComponent('web', options)).not.toBe(sanitizeComponent('WEB', options));
  });

  it('shortens long input to the limit, keeping it unique', () => {
    const long = 'a'.repeat(300);
    const result = sanitizeComponent(long, options);
    expect(result.length).toBeLessThanOrEqual(63);
    expect(result).not.toBe(sanitizeComponent(`${long}b`, options));
  });

  it('gives input with no usable characters a hash-only component', () => {
    expect(sanitizeComponent('..', options)).toMatch(/^[0-9a-f]{10}$/);
    expect(sanitizeComponent('日本語', options)).toMatch(/^[0-9a-f]{10}$/);
  });

  it('keeps dashes out in underscore mode', () => {
    expect(sanitizeComponent('web-api', { ...options, separator: '_' })).toMatch(/^web_api_[0-9a-f]{10}$/);
  });

  it('encodes a valid name shaped like an encoding, so it never equals the name it looks like', () => {
    const underscore = { ...options, separator: '_' as const };
    const encoded = sanitizeComponent('web-x', underscore);
    expect(encoded).toMatch(/^web_x_[0-9a-f]{10}$/);
    expect(sanitizeComponent(encoded, underscore)).not.toBe(encoded);
    expect(sanitizeComponent(encoded, underscore)).toMatch(new RegExp(`^${encoded}_[0-9a-f]{10}$`));
    const hashOnly = sanitizeComponent('..', options);
    expect(sanitizeComponent(hashOnly, options)).not.toBe(hashOnly);
    const dashed = sanitizeComponent('WEB', options);
    expect(sanitizeComponent(dashed, options)).not.toBe(dashed);
  });

  it('keeps a valid name whose hex tail follows another separator, or no separator', () => {
    for (const input of ['web.0123456789', 'web0123456789', 'web-012345678', 'web-0123456789a']) {
      expect(sanitizeComponent(input, options)).toBe(input);
    }
    expect(sanitizeComponent('web-0123456789', { ...options, separator: '_' })).toMatch(
      /^web_0123456789_[0-9a-f]{10}$/,
    );
    expect(sanitizeComponent('web_0123456789', options)).toBe('web_0123456789');
  });

  it('rejects empty input naming what it was', () => {
    expect(() => sanitizeComponent('  ', { maxLength: 63, what: 'build uuid' })).toThrow(
      expect.objectContaining({ code: 'INVALID_COMPONENT', part: 'build uuid' }) as unknown as Error,
    );
    expect(() => sanitizeComponent('', options)).toThrow(CacheRefError);
  });
});

describe('cacheLocations', () => {
  it('describes both layouts with the same sanitising the refs use', () => {
    const locations = cacheLocations({ repository: 'next-web', service: 'web-api' });
    const tagPlan = planCache({
      config: parseCacheConfig({ registry: 'quay.io' }),
      repository: 'next-web',
      service: 'web-api',
      buildUuid: anyBuildUuid('main'),
    });
    expect(tagPlan.export?.tag.startsWith(locations.tag.tagPrefix)).toBe(true);
    expect(locations.path).toEqual({
      repositoryPrefix: 'next-web/web-api/',
      serviceRepository: 'next-web/web-api',
      tag: 'cache',
    });
  });
});
