import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { EngineBuildRequest } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { cacheIdentity } from '../src/routing/cache-identity.js';
import { testBuildUuid, testBuildUuids } from './support/build-uuids.js';

function request(
  registry: string,
  service: string,
  buildUuid: string | null,
  repository = 'shop/cache',
): EngineBuildRequest {
  return {
    buildUuid: testBuildUuid(buildUuid),
    service,
    contextDir: '.',
    dockerfile: 'Dockerfile',
    images: [],
    cache: planCache({
      config: parseCacheConfig({ registry }),
      repository,
      service,
      buildUuid: testBuildUuid(buildUuid),
      fallbacks: testBuildUuids(['main']),
    }),
  };
}

describe('cacheIdentity', () => {
  for (const registry of ['registry.example:5000', 'docker.io']) {
    const repository = registry === 'docker.io' ? 'acme/cache' : 'shop/cache';
    it(`is the same for every environment of a service and differs between services (${registry})`, () => {
      const web = cacheIdentity(request(registry, 'web', 'wandering-credit-924200', repository));
      expect(cacheIdentity(request(registry, 'web', 'pr-42', repository))).toBe(web);
      expect(cacheIdentity(request(registry, 'web', null, repository))).toBe(web);
      expect(cacheIdentity(request(registry, 'api', 'pr-42', repository))).not.toBe(web);
      expect(cacheIdentity(request(registry, 'web', 'pr-42', `${repository}2`))).not.toBe(web);
    });
  }
});
