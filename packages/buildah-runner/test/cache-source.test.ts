import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import { describe, expect, it } from 'vitest';
import { chooseCacheSource, plannedCacheSource } from '../src/cache-source/choose.js';
import { testBuildUuid, testBuildUuids } from './helpers/build-uuids.js';

const plan = planCache({
  config: parseCacheConfig({ registry: 'registry.example', repository: 'cache/shop' }),
  service: 'web',
  buildUuid: testBuildUuid('wandering-credit-924200'),
  fallbacks: testBuildUuids(['main', 'staging']),
  engine: 'buildah',
});
const own = 'registry.example/cache/shop/web/wandering-credit-924200';
const main = 'registry.example/cache/shop/web/main';
const staging = 'registry.example/cache/shop/web/staging';

describe('chooseCacheSource', () => {
  it('reads the own cache once it exists', () => {
    const choice = chooseCacheSource(
      plan.imports,
      new Map([
        [own, true],
        [main, true],
        [staging, true],
      ]),
    );
    expect(choice.cacheFrom?.repository).toBe(own);
    expect(choice.missing).toEqual([]);
  });

  it('starts a new environment from its first existing fallback, reporting the missing refs', () => {
    const choice = chooseCacheSource(
      plan.imports,
      new Map([
        [own, false],
        [main, false],
        [staging, true],
      ]),
    );
    expect(choice.cacheFrom?.repository).toBe(staging);
    expect(choice.missing.map((endpoint) => endpoint.ref)).toEqual([`${own}:cache`, `${main}:cache`]);
  });

  it('prefers an import that may exist to none when existence cannot be told', () => {
    const choice = chooseCacheSource(
      plan.imports,
      new Map([
        [own, false],
        [main, null],
        [staging, null],
      ]),
    );
    expect(choice.cacheFrom?.repository).toBe(main);
    expect(choice.missing.map((endpoint) => endpoint.ref)).toEqual([`${own}:cache`]);
  });

  it('builds cold when no import exists', () => {
    const choice = chooseCacheSource(
      plan.imports,
      new Map([
        [own, false],
        [main, false],
        [staging, false],
      ]),
    );
    expect(choice.cacheFrom).toBeNull();
    expect(choice.missing).toHaveLength(3);
  });
});

describe('plannedCacheSource', () => {
  it('is settled when the first existing import comes before any unanswered one', () => {
    const planned = plannedCacheSource(
      plan.imports,
      new Map([
        [own, false],
        [main, true],
        [staging, null],
      ]),
    );
    expect(planned).toEqual({ cacheFrom: main, unresolved: [] });
  });

  it('is settled as none when every import is known to be missing', () => {
    const missing = new Map([own, main, staging].map((repository) => [repository, false]));
    expect(plannedCacheSource(plan.imports, missing)).toEqual({ cacheFrom: null, unresolved: [] });
  });

  it('stays open while an import before the first existing one is unanswered, naming those that may exist', () => {
    const planned = plannedCacheSource(
      plan.imports,
      new Map([
        [own, null],
        [main, false],
        [staging, true],
      ]),
    );
    expect(planned.cacheFrom).toBe('<unresolved>');
    expect(planned.unresolved).toEqual([
      { flag: '--cache-from', candidates: [own, staging], reason: expect.stringContaining(own) },
    ]);
  });
});
