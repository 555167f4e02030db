import type { RegistryProfileEntry } from '@deployer/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironment, type OperatorSettings } from '../src/index.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';

// A config module's registry profiles give the cache registry's kind and profile only where the spec (or,
// under serve, the operator) says nothing of either itself.

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const profiles: RegistryProfileEntry[] = [
  { host: 'Registry.Internal:5000', kind: 'dockerhub', profile: { acceptsModeMax: false } },
  { host: 'other.internal', kind: 'quay' },
];

async function load(spec: Record<string, unknown>, operator?: OperatorSettings) {
  fixture = await createFixture(serviceFiles(['web']));
  return loadEnvironment(await fixture.writeSpec({ services: { web: { context: 'web' } }, ...spec }), {
    root: fixture.dir,
    registryProfiles: profiles,
    ...(operator && { operator }),
  });
}

describe('loadEnvironment with registry profiles', () => {
  it("uses the profile of the cache registry's host, matched case-insensitively", async () => {
    const environment = await load({ registry: { host: 'registry.internal:5000', repository: 'shop' } });
    expect(environment.cache.kind).toBe('dockerhub');
    expect(environment.cache.profile).toEqual({ acceptsModeMax: false });
  });

  it('matches the host with its port exactly', async () => {
    const environment = await load({ registry: { host: 'registry.internal:5001', repository: 'shop' } });
    expect(environment.cache.kind).toBeUndefined();
    expect(environment.cache.profile).toBeUndefined();
  });

  it("looks at the cache registry, not the image registry's", async () => {
    const environment = await load({
      registry: { host: 'registry.internal:5000', repository: 'shop' },
      cache: { registry: 'other.internal' },
    });
    expect(environment.cache.kind).toBe('quay');
    expect(environment.cache.profile).toBeUndefined();
  });

  it("keeps the spec's own kind or profile whole", async () => {
    const withKind = await load({
      registry: { host: 'registry.internal:5000', repository: 'shop' },
      cache: { kind: 'harbor' },
    });
    expect(withKind.cache.kind).toBe('harbor');
    expect(withKind.cache.profile).toBeUndefined();
    await fixture?.remove();
    const withProfile = await load({
      registry: { host: 'registry.internal:5000', repository: 'shop' },
      cache: { profile: { nestedPaths: true } },
    });
    expect(withProfile.cache.kind).toBeUndefined();
    expect(withProfile.cache.profile).toEqual({ nestedPaths: true });
  });

  it("applies under an operator to the operator's cache registry unless it sets a kind", async () => {
    const operator: OperatorSettings = {
      registry: { host: 'registry.internal:5000', repository: 'previews/shop' },
      fallbacks: [],
      secrets: [],
      source: 'the server config',
    };
    const hostile = { registry: { host: 'x.example', repository: 'r' }, cache: { kind: 'ecr' } };
    expect((await load(hostile, operator)).cache.kind).toBe('dockerhub');
    await fixture?.remove();
    const fixed = await load(hostile, { ...operator, cache: { kind: 'ghcr' } });
    expect(fixed.cache.kind).toBe('ghcr');
  });
});
