import type { BuildUuid } from '@deployer/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  buildahCacheArgs,
  buildctlCacheArgs,
  type CacheConfigInput,
  CacheRefError,
  leaseLocation,
  leaseLocations,
  parseCacheConfig,
  planCache,
  renderBuildkitCache,
} from '../src/index.js';
import { anyBuildUuid } from './support/build-uuids.js';

const uuid = anyBuildUuid('wandering-credit-924200');
const main = anyBuildUuid('main');

function plan(
  config: CacheConfigInput,
  extra: { buildUuid?: string | null; fallbacks?: string[]; repository?: string } = {},
) {
  const { buildUuid, fallbacks, ...rest } = extra;
  return planCache({
    config: parseCacheConfig(config),
    repository: 'next-web',
    service: 'web',
    buildUuid: buildUuid === undefined ? uuid : buildUuid === null ? null : anyBuildUuid(buildUuid),
    ...(fallbacks !== undefined && { fallbacks: fallbacks.map(anyBuildUuid) }),
    ...rest,
  });
}

describe('planCache', () => {
  it('uses the path layout on a generic registry', () => {
    const result = plan({ registry: 'distribution.example:5000' }, { fallbacks: ['main'] });
    expect(result.strategy).toBe('path');
    expect(result.export?.ref).toBe('distribution.example:5000/next-web/web/wandering-credit-924200:cache');
    expect(result.imports.map((endpoint) => [endpoint.ref, endpoint.source])).toEqual([
      ['distribution.example:5000/next-web/web/wandering-credit-924200:cache', 'own'],
      ['distribution.example:5000/next-web/web/main:cache', 'fallback'],
    ]);
  });

  it('uses the tag layout on Docker Hub', () => {
    const result = plan({ registry: 'docker.io' }, { repository: 'acme/next-web' });
    expect(result.strategy).toBe('tag');
    expect(result.export?.ref).toBe('docker.io/acme/next-web:cache-web-wandering-credit-924200');
  });

  it('refuses a Docker Hub repository without a namespace (docker would read it as library/…)', () => {
    expect(() => plan({ registry: 'docker.io' })).toThrow(/namespace/);
  });

  it('uses the tag layout on ECR (repositories are pre-created) and adds image-manifest', () => {
    const result = plan({ registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com' });
    expect(result.export?.ref).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/next-web:cache-web-wandering-credit-924200',
    );
    expect(renderBuildkitCache(result).exportCache).toContain('image-manifest=true');
  });

  it('keeps a non-ECR host containing "ecr" generic', () => {
    const result = plan({ registry: 'ecr.corp.example:5000' });
    expect(result.profile.kind).toBe('distribution');
    expect(result.strategy).toBe('path');
    expect(renderBuildkitCache(result).exportCache).not.toContain('image-manifest');
  });

  it('honours an explicit strategy', () => {
    expect(plan({ registry: 'harbor.example.com', strategy: 'path' }).export?.ref).toBe(
      'harbor.example.com/next-web/web/wandering-credit-924200:cache',
    );
    expect(plan({ registry: 'ghcr.io', strategy: 'tag' }).export?.ref).toBe(
      'ghcr.io/next-web:cache-web-wandering-credit-924200',
    );
  });

  it('imports the service-wide ref and exports nothing without a build uuid', () => {
    const result = plan({ registry: 'distribution.example:5000' }, { buildUuid: null, fallbacks: ['main'] });
    expect(result.export).toBeNull();
    expect(result.imports.map((endpoint) => endpoint.ref)).toEqual([
      'distribution.example:5000/next-web/web:cache',
      'distribution.example:5000/next-web/web/main:cache',
    ]);
    expect(buildctlCacheArgs(result)).not.toContain('--export-cache');
  });

  it('exports to the service-wide ref only when the config opts in', () => {
    const result = plan({ registry: 'distribution.example:5000', sharedExport: true }, { buildUuid: null });
    expect(result.export?.ref).toBe('distribution.example:5000/next-web/web:cache');
    expect(result.export?.source).toBe('service');
  });

  it('deduplicates a fallback equal to the own environment, keeping priority order', () => {
    const result = plan(
      { registry: 'distribution.example:5000' },
      { fallbacks: ['main', uuid, 'main', 'develop'] },
    );
    expect(result.imports.map((endpoint) => endpoint.buildUuid)).toEqual([uuid, 'main', 'develop']);
  });

  it('falls back to inline cache where mode=max is refused', () => {
    const result = plan({ registry: 'quay.io' });
    expect(result.mode).toBe('inline');
    expect(renderBuildkitCache(result)).toEqual({
      importCache: ['type=registry,ref=quay.io/next-web:cache-web-wandering-credit-924200'],
      exportCache: 'type=inline',
      additionalImageNames: ['quay.io/next-web:cache-web-wandering-credit-924200'],
    });
  });

  it('puts the lease in a repository of its own below the environment’s cache repository (path strategy)', () => {
    const result = plan({ registry: 'distribution.example:5000' });
    expect(result.lease).toEqual({
      ref: 'distribution.example:5000/next-web/web/wandering-credit-924200/lease:lease',
      repository: 'distribution.example:5000/next-web/web/wandering-credit-924200/lease',
      tag: 'lease',
    });
    // Never a tag in the cache repository itself: buildah-runner would take it for a cache.
    expect(result.lease?.repository).not.toBe(result.export?.repository);
  });

  it('refuses a lease repository over the name length limit, naming it', () => {
    const registry = 'distribution.example:5000';
    // The cache repository just fits; its lease repository, 6 characters longer, does not.
    const repository = 'r'.repeat(255 - registry.length - 1 - '/web/'.length - uuid.length);
    expect(() => plan({ registry }, { repository })).toThrow(
      expect.objectContaining({ code: 'INVALID_REFERENCE', part: 'lease repository' }) as unknown as Error,
    );
  });

  it('puts the lease next to the cache tag, sanitised the same way (tag strategy)', () => {
    const result = plan({ registry: 'docker.io' }, { repository: 'acme/next-web' });
    expect(result.lease?.ref).toBe('docker.io/acme/next-web:lease-web-wandering-credit-924200');
    const long = planCache({
      config: parseCacheConfig({ registry: 'quay.io' }),
      repository: 'next-web',
      service: 'Web-API',
      buildUuid: anyBuildUuid(`feature/${'x'.repeat(200)}`),
    });
    expect(long.lease?.tag.replace(/^lease-/, '')).toBe(long.export?.tag.replace(/^cache-/, ''));
  });

  it('finds every environment’s lease where planCache puts it (leaseLocations, both strategies)', () => {
    for (const [service, buildUuid] of [
      ['web', uuid],
      ['Web-API', `feature/${'x'.repeat(200)}`],
      ['web', 'lease'],
    ] as const) {
      const locations = leaseLocations({ repository: 'next-web', service });
      const path = planCache({
        config: parseCacheConfig({ registry: 'r.example', strategy: 'path' }),
        repository: 'next-web',
        service,
        buildUuid: anyBuildUuid('pr-1'),
      }).lease!;
      const [, below] = /^r\.example\/(.*)$/.exec(path.repository)!;
      expect(below!.startsWith(locations.path.repositoryPrefix)).toBe(true);
      expect(below!.endsWith(locations.path.repositorySuffix)).toBe(true);
      expect(path.tag).toBe(locations.path.tag);
      const tag = planCache({
        config: parseCacheConfig({ registry: 'r.example', strategy: 'tag' }),
        repository: 'next-web',
        service,
        buildUuid: anyBuildUuid(buildUuid),
      }).lease!;
      expect(tag.repository).toBe(`r.example/${locations.tag.repository}`);
      expect(tag.tag.startsWith(locations.tag.tagPrefix)).toBe(true);
      const lease = leaseLocation({
        registry: 'r.example',
        repository: 'next-web',
        service,
        buildUuid: anyBuildUuid(buildUuid),
        strategy: 'tag',
      });
      expect(`r.example/${lease.repository}:${lease.tag}`).toBe(tag.ref);
    }
    // A service's prefix is never another's: the tag's service component holds no "-".
    expect(leaseLocations({ repository: 'r', service: 'web' }).tag.tagPrefix).toBe('lease-web-');
    const admin = leaseLocations({ repository: 'r', service: 'web-admin' }).tag.tagPrefix;
    expect(admin).toMatch(/^lease-web_admin_[0-9a-f]+-$/);
  });

  it('has no lease without a build uuid, even when sharing the export', () => {
    expect(plan({ registry: 'distribution.example:5000' }, { buildUuid: null }).lease).toBeNull();
    expect(
      plan({ registry: 'distribution.example:5000', sharedExport: true }, { buildUuid: null }).lease,
    ).toBeNull();
  });

  it('takes a BuildUuid, never a plain string (typechecked), and still sanitises a forged one', () => {
    const config = parseCacheConfig({ registry: 'r.example', strategy: 'path' });
    const unchecked: string = 'Feature/Login';
    const forged = planCache({
      config,
      repository: 'next-web',
      service: 'web',
      // @ts-expect-error a plain string is no BuildUuid: it goes through deploy's validateBuildUuid first
      buildUuid: unchecked,
    });
    // Forced through anyway (as a cast could): the ref stays valid and distinct, sanitised like any component.
    expect(forged.export?.ref).toMatch(/^r\.example\/next-web\/web\/feature-login-[0-9a-f]{10}:cache$/);
    // @ts-expect-error fallbacks are BuildUuids too
    planCache({ config, repository: 'next-web', service: 'web', buildUuid: uuid, fallbacks: ['main'] });
    expectTypeOf<Parameters<typeof planCache>[0]['buildUuid']>().toEqualTypeOf<
      BuildUuid | null | undefined
    >();
    expectTypeOf<string>().not.toExtend<NonNullable<Parameters<typeof planCache>[0]['buildUuid']>>();
  });

  it('requires a repository', () => {
    expect(() =>
      planCache({ config: parseCacheConfig({ registry: 'r.example' }), service: 'web', buildUuid: uuid }),
    ).toThrow(/cache repository/);
  });

  it('refuses buildah with the tag strategy instead of sharing a repository', () => {
    const error = (() => {
      try {
        planCache({
          config: parseCacheConfig({ registry: 'docker.io' }),
          repository: 'acme/next-web',
          service: 'web',
          buildUuid: uuid,
          engine: 'buildah',
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CacheRefError);
    expect((error as CacheRefError).code).toBe('UNSUPPORTED_COMBINATION');
  });

  // The only place the rule lives: buildah-runner takes any plan made for engine buildah as usable.
  it('refuses buildah with the tag strategy asked for explicitly, where the path strategy would work', () => {
    const input = {
      config: parseCacheConfig({ registry: 'r.example', repository: 'cache/shop', strategy: 'tag' }),
      service: 'web',
      buildUuid: uuid,
    };
    expect(() => planCache({ ...input, engine: 'buildah' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_COMBINATION' }),
    );
    expect(planCache({ ...input, engine: 'buildkit' }).strategy).toBe('tag');
  });
});

describe('BuildKit rendering', () => {
  it('renders the exact buildctl flags', () => {
    const result = plan({ registry: '127.0.0.1:5055', insecure: true }, { fallbacks: ['main'] });
    expect(buildctlCacheArgs(result)).toEqual([
      '--export-cache',
      'type=registry,ref=127.0.0.1:5055/next-web/web/wandering-credit-924200:cache,mode=max,oci-mediatypes=true,registry.insecure=true,ignore-error=true',
      '--import-cache',
      'type=registry,ref=127.0.0.1:5055/next-web/web/wandering-credit-924200:cache,registry.insecure=true',
      '--import-cache',
      'type=registry,ref=127.0.0.1:5055/next-web/web/main:cache,registry.insecure=true',
    ]);
  });

  it('never renders the bare insecure attribute BuildKit ignores', () => {
    const flags = buildctlCacheArgs(plan({ registry: '127.0.0.1:5055', insecure: true })).join(' ');
    expect(flags).not.toMatch(/(^|,)insecure=true/);
  });

  it('leaves out imports asked to be left out (a corrupt ref)', () => {
    const result = plan({ registry: '127.0.0.1:5055' }, { fallbacks: ['main'] });
    const rendered = renderBuildkitCache(result, {
      withoutImports: ['127.0.0.1:5055/next-web/web/main:cache'],
    });
    expect(rendered.importCache).toEqual([
      'type=registry,ref=127.0.0.1:5055/next-web/web/wandering-credit-924200:cache',
    ]);
  });

  it('uses mode=min when configured', () => {
    expect(renderBuildkitCache(plan({ registry: 'ghcr.io', mode: 'min' })).exportCache).toContain(
      ',mode=min,',
    );
  });
});

describe('buildah rendering', () => {
  it('passes repositories, not tags', () => {
    const result = planCache({
      config: parseCacheConfig({ registry: '127.0.0.1:5055' }),
      repository: 'next-web',
      service: 'web',
      buildUuid: uuid,
      fallbacks: [main],
      engine: 'buildah',
    });
    expect(buildahCacheArgs(result)).toEqual([
      '--layers',
      '--cache-to',
      '127.0.0.1:5055/next-web/web/wandering-credit-924200',
      '--cache-from',
      '127.0.0.1:5055/next-web/web/wandering-credit-924200',
      '--cache-from',
      '127.0.0.1:5055/next-web/web/main',
    ]);
  });
});
