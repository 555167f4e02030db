import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheRefError, parseCacheConfig, parseImageReference, planCache } from '../src/index.js';

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

const registries = [
  ['distribution.example:5000', 'next-web'],
  ['docker.io', 'acme/next-web'],
  ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'next-web'],
] as const;

function exportRef(registry: string, service: string, buildUuid: string): string | undefined {
  const repository = registries.find(([host]) => host === registry)![1];
  try {
    return planCache({ config: parseCacheConfig({ registry }), repository, service, buildUuid }).export?.ref;
  } catch (error) {
    if (error instanceof CacheRefError && error.code === 'INVALID_COMPONENT') return undefined;
    throw error;
  }
}

describe.each(registries.map(([host]) => host))('refs on %s', (registry) => {
  it('every produced ref parses back as valid', () => {
    fc.assert(
      fc.property(hostile, hostile, (service, buildUuid) => {
        const ref = exportRef(registry, service, buildUuid);
        fc.pre(ref !== undefined);
        const parsed = parseImageReference(ref!);
        expect(`${parsed.registry}/${parsed.repository}:${parsed.tag}`).toBe(ref);
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
});
