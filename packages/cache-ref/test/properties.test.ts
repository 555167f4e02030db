import type { CachePlan } from '@deployer/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectRegistryKind } from '../src/config/registry-profiles.js';
import {
  CacheRefError,
  parseCacheConfig,
  parseImageReference,
  planCache,
  registryKinds,
} from '../src/index.js';
import { anyBuildUuid } from './support/build-uuids.js';

// Names as users really write them, and as attackers might: unicode, case, dots, slashes, `..`,
// shell metacharacters, and very long names.
const hostile = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.constantFrom(
    'web',
    'WEB',
    'Web',
    'web-api',
    'web_api',
    'web.api',
    'web/api',
    '..',
    '../..',
    '$(rm -rf /)',
  ),
  fc.constantFrom('`id`', 'a;b', 'a|b', "it's", 'a b', 'main', 'feature/login', 'x'.repeat(300)),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,80}$/),
  fc.string({ unit: fc.constantFrom('a', 'A', '-', '_', '.', '/', ' ', '1'), minLength: 1, maxLength: 300 }),
);

// One host per registry profile, with a repository that profile accepts.
const registries = [
  ['distribution.example:5000', 'next-web'],
  ['docker.io', 'acme/next-web'],
  ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'next-web'],
  ['europe-west1-docker.pkg.dev', 'acme-project/next-web'],
  ['ghcr.io', 'acme/next-web'],
  ['myregistry.azurecr.io', 'next-web'],
  ['harbor.example.com', 'acme/next-web'],
  ['quay.io', 'acme/next-web'],
] as const;

it('the property tests cover every registry profile', () => {
  expect(new Set(registries.map(([host]) => detectRegistryKind(host)))).toEqual(new Set(registryKinds));
});

function cachePlan(registry: string, service: string, buildUuid: string | null): CachePlan | undefined {
  const repository = registries.find(([host]) => host === registry)![1];
  try {
    return planCache({
      config: parseCacheConfig({ registry }),
      repository,
      service,
      buildUuid: buildUuid === null ? null : anyBuildUuid(buildUuid),
    });
  } catch (error) {
    if (error instanceof CacheRefError && error.code === 'INVALID_COMPONENT') return undefined;
    throw error;
  }
}

function exportRef(registry: string, service: string, buildUuid: string): string | undefined {
  return cachePlan(registry, service, buildUuid)?.export?.ref;
}

function leaseRef(registry: string, service: string, buildUuid: string): string | undefined {
  return cachePlan(registry, service, buildUuid)?.lease?.ref;
}

describe.each(registries.map(([host]) => host))('refs on %s', (registry) => {
  it('every produced ref parses back as valid, the lease included', () => {
    fc.assert(
      fc.property(hostile, hostile, (service, buildUuid) => {
        const ref = exportRef(registry, service, buildUuid);
        fc.pre(ref !== undefined);
        for (const produced of [ref!, leaseRef(registry, service, buildUuid)!]) {
          const parsed = parseImageReference(produced);
          expect(`${parsed.registry}/${parsed.repository}:${parsed.tag}`).toBe(produced);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('(service, buildUuid) → export ref is injective and deterministic', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(hostile, hostile, (service, buildUuid) => {
        const ref = exportRef(registry, service, buildUuid);
        fc.pre(ref !== undefined);
        expect(exportRef(registry, service, buildUuid)).toBe(ref);
        const key = JSON.stringify([service, buildUuid]);
        const previous = seen.get(ref!);
        if (previous !== undefined) expect(previous).toBe(key);
        seen.set(ref!, key);
      }),
      { numRuns: 4000 },
    );
    expect(seen.size).toBeGreaterThan(1000);
  });

  it('(service, buildUuid) → lease ref is injective and never any cache ref', () => {
    const leases = new Map<string, string>();
    const caches = new Set<string>();
    fc.assert(
      fc.property(hostile, hostile, (service, buildUuid) => {
        const plan = cachePlan(registry, service, buildUuid);
        fc.pre(plan !== undefined);
        const lease = plan!.lease!.ref;
        // Every cache ref a build of this service reads or writes, the service-wide one included.
        const serviceWide = cachePlan(registry, service, null)!.imports[0]!.ref;
        for (const cache of [plan!.export!.ref, serviceWide]) {
          expect(lease).not.toBe(cache);
          caches.add(cache);
        }
        // A path-strategy cache repository is buildah's: every tag in it counts as cache, so no lease there.
        if (plan!.strategy === 'path') expect(plan!.lease!.repository).not.toBe(plan!.export!.repository);
        const key = JSON.stringify([service, buildUuid]);
        const previous = leases.get(lease);
        if (previous !== undefined) expect(previous).toBe(key);
        leases.set(lease, key);
      }),
      { numRuns: 4000 },
    );
    expect(leases.size).toBeGreaterThan(1000);
    for (const lease of leases.keys()) expect(caches.has(lease)).toBe(false);
  });
});

/** The service and build uuid components of an environment's export ref, as encoded into it. */
function encodedComponents(registry: string, service: string, buildUuid: string) {
  const plan = cachePlan(registry, service, buildUuid);
  if (plan?.export == null) return undefined;
  if (plan.strategy === 'path') {
    const [encodedService, encodedUuid] = plan.export.repository.split('/').slice(-2) as [string, string];
    return { service: encodedService, buildUuid: encodedUuid };
  }
  const rest = plan.export.tag.slice('cache-'.length);
  const dash = rest.indexOf('-');
  return { service: rest.slice(0, dash), buildUuid: rest.slice(dash + 1) };
}

describe.each(registries.map(([host]) => host))('look-alike names on %s', (registry) => {
  it('a name spelled like another name’s encoding gets a ref of its own', () => {
    fc.assert(
      fc.property(hostile, hostile, (service, buildUuid) => {
        const encoded = encodedComponents(registry, service, buildUuid);
        fc.pre(encoded !== undefined);
        const ref = exportRef(registry, service, buildUuid);
        // Fed back as names, the encoded forms must not land on the original's ref.
        if (encoded!.service !== service) {
          expect(exportRef(registry, encoded!.service, buildUuid)).not.toBe(ref);
        }
        if (encoded!.buildUuid !== buildUuid) {
          expect(exportRef(registry, service, encoded!.buildUuid)).not.toBe(ref);
        }
        // And once more: an encoding of an encoding is yet another ref.
        const twice = encodedComponents(registry, encoded!.service, encoded!.buildUuid);
        if (twice !== undefined && encoded!.service !== service) {
          expect(twice.service).not.toBe(encoded!.service);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('no split of `<service>-<uuid>` into another (service, uuid) pair shares a ref', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(word, word, word, (first, second, uuid) => {
        // `cache-web-x-main`: service `web` in environment `x-main`, or service `web-x` in `main`?
        const pairs: [string, string][] = [
          [first, `${second}-${uuid}`],
          [`${first}-${second}`, uuid],
          [`${first}_${second}`, uuid],
          [first, `cache-${second}-${uuid}`],
        ];
        const refs = pairs.map(([service, buildUuid]) => exportRef(registry, service, buildUuid));
        expect(new Set(refs).size).toBe(pairs.length);
      }),
      { numRuns: 500 },
    );
  });

  it('a crafted build uuid such as `cache-web-main` never names main’s cache of web', () => {
    const mainWeb = exportRef(registry, 'web', 'main');
    for (const crafted of ['cache-web-main', 'web-main', 'main-cache', 'cache']) {
      for (const service of ['web', 'cache', 'cache-web']) {
        expect(exportRef(registry, service, crafted)).not.toBe(mainWeb);
      }
    }
  });
});
