import { describe, expect, it } from 'vitest';
import { loadEnvironment, SpecError } from '../src/index.js';
import { refuseCacheImageOverlap } from '../src/spec/checks/refuse-cache-image-overlap.js';
import { createFixture, serviceFiles } from './support/fixture.js';

const registry = { host: 'registry.example.test:5000', repository: 'shop' };
const defaultCache = { registry: registry.host, repository: 'shop/cache' };

function refusal(input: Parameters<typeof refuseCacheImageOverlap>[0]): SpecError | undefined {
  try {
    refuseCacheImageOverlap(input);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
}

const services = (...names: string[]) => names.map((name) => ({ name }));

describe('images and caches never share a repository', () => {
  it('refuses a service named like the default cache repository, naming it and the rule', () => {
    const error = refusal({ registry, cache: defaultCache, services: services('web', 'cache') });
    expect(error).toMatchObject({ code: 'CACHE_OVERLAPS_IMAGES', path: 'services.cache', kind: 'input' });
    expect(error!.detail).toContain(
      "service cache's image repository registry.example.test:5000/shop/cache is the cache repository registry.example.test:5000/shop/cache",
    );
    expect(error!.detail).toContain('Rule: images and caches never share a repository');
  });

  it('refuses a cache repository equal to the image prefix: every image repository lies inside it', () => {
    const error = refusal({
      registry,
      cache: { registry: registry.host, repository: 'shop' },
      services: services('web', 'api'),
    });
    expect(error!.path).toBe('services.web');
    // Both services named: `shop/web` is the path strategy's service-wide cache repository of `web`.
    expect(error!.detail).toMatch(/service web's .* lies inside .*; service api's .* lies inside/);
  });

  it('refuses an image repository below the cache repository (a path-strategy cache repository)', () => {
    // Images `shop/cache/web/<service>`: service `main` is web's cache repository for environment `main`.
    const error = refusal({
      registry: { host: registry.host, repository: 'shop/cache/web' },
      cache: defaultCache,
      services: services('main'),
    });
    expect(error!.detail).toContain('lies inside the cache repository');
  });

  it('refuses a cache repository that is, or lies in, an image repository', () => {
    for (const repository of ['shop/web', 'shop/web/cache']) {
      const error = refusal({
        registry,
        cache: { registry: registry.host, repository },
        services: services('web'),
      });
      expect(error?.code).toBe('CACHE_OVERLAPS_IMAGES');
    }
  });

  it('compares registries as registries do: Docker Hub aliases and host case', () => {
    expect(
      refusal({
        registry: { host: 'index.docker.io', repository: 'acme' },
        cache: { registry: 'docker.io', repository: 'acme/cache' },
        services: services('cache'),
      })?.code,
    ).toBe('CACHE_OVERLAPS_IMAGES');
    expect(
      refusal({
        registry: { host: 'Registry.Example.test', repository: 'shop' },
        cache: { registry: 'registry.example.test', repository: 'shop/cache' },
        services: services('cache'),
      })?.code,
    ).toBe('CACHE_OVERLAPS_IMAGES');
  });

  it('accepts repositories that only share a prefix of characters, or live on another registry', () => {
    expect(refusal({ registry, cache: defaultCache, services: services('web', 'cache-web', 'caches') })).toBe(
      undefined,
    );
    expect(
      refusal({
        registry,
        cache: { registry: 'cache.example.test', repository: 'shop/cache' },
        services: services('cache'),
      }),
    ).toBe(undefined);
    expect(
      refusal({
        registry,
        cache: { registry: registry.host, repository: 'shop-cache' },
        services: services('web'),
      }),
    ).toBe(undefined);
  });

  it('is applied when a spec is loaded, before anything runs', async () => {
    const fixture = await createFixture(serviceFiles(['web', 'cache']));
    try {
      const file = await fixture.writeSpec({
        registry,
        services: { web: { context: 'web' }, cache: { context: 'cache' } },
      });
      await expect(loadEnvironment(file)).rejects.toMatchObject({
        code: 'CACHE_OVERLAPS_IMAGES',
        path: 'services.cache',
      });
      const moved = await fixture.writeSpec({
        registry,
        cache: { repository: 'shop-cache' },
        services: { web: { context: 'web' }, cache: { context: 'cache' } },
      });
      expect((await loadEnvironment(moved)).cache.repository).toBe('shop-cache');
    } finally {
      await fixture.remove();
    }
  });
});
