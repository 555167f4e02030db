import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironment, type OperatorSettings, planEnvironment, SpecError } from '../src/index.js';
import { validUuid, validUuids } from './support/build-uuids.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';

// The plan says whose caches a build imports and why, in the order the engine reads them.

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const spec = {
  registry: { host: 'registry.test:5000', repository: 'shop', insecure: true },
  fallbacks: ['main', 'staging'],
  services: { web: { context: 'web' } },
};

async function load(operator?: OperatorSettings) {
  fixture = await createFixture(serviceFiles(['web']));
  const file = await fixture.writeSpec(spec);
  return loadEnvironment(file, { root: fixture.dir, ...(operator !== undefined && { operator }) });
}

/** The cache plan's imports by environment, which the import order must match. */
const importedUuids = (plan: Awaited<ReturnType<typeof planEnvironment>>) =>
  plan.services[0]!.cache.imports.map((endpoint) => endpoint.buildUuid);

describe('the import order', () => {
  it("is the own cache, then the spec's fallbacks, as the engine imports them", async () => {
    const plan = await planEnvironment(await load(), { buildUuid: validUuid('pr-7') });
    expect(plan.importOrder).toEqual([
      { buildUuid: 'pr-7', source: 'own', why: 'its own cache' },
      { buildUuid: 'main', source: 'fallback', why: "the spec's fallbacks" },
      { buildUuid: 'staging', source: 'fallback', why: "the spec's fallbacks" },
    ]);
    expect(plan.importOrder.map((entry) => entry.buildUuid)).toEqual(importedUuids(plan));
    expect(plan.fallbacks).toEqual(['main', 'staging']);
  });

  it('says --fallback for bare build uuids given to the plan, and keeps the whys of choices', async () => {
    const environment = await load();
    const flags = await planEnvironment(environment, {
      buildUuid: validUuid('pr-7'),
      fallbacks: validUuids('release-1'),
    });
    expect(flags.importOrder.slice(1)).toEqual([
      { buildUuid: 'release-1', source: 'fallback', why: '--fallback' },
    ]);
    const chosen = await planEnvironment(environment, {
      buildUuid: validUuid('pr-12'),
      fallbacks: [
        { buildUuid: validUuid('pr-11'), why: 'stacked on pull request #11 (feature-a)' },
        validUuid('main'),
        { buildUuid: validUuid('main'), why: 'default branch main' },
        { buildUuid: validUuid('pr-12'), why: 'itself' },
      ],
    });
    // Each environment once, first place wins, as the cache plan's imports do.
    expect(chosen.importOrder).toEqual([
      { buildUuid: 'pr-12', source: 'own', why: 'its own cache' },
      { buildUuid: 'pr-11', source: 'fallback', why: 'stacked on pull request #11 (feature-a)' },
      { buildUuid: 'main', source: 'fallback', why: '--fallback' },
    ]);
    expect(chosen.importOrder.map((entry) => entry.buildUuid)).toEqual(importedUuids(chosen));
    expect(chosen.fallbacks).toEqual(['pr-11', 'main', 'main', 'pr-12']);
    const none = await planEnvironment(environment, { buildUuid: validUuid('pr-7'), fallbacks: [] });
    expect(none.importOrder).toEqual([{ buildUuid: 'pr-7', source: 'own', why: 'its own cache' }]);
  });

  it("says the server config's fallback under operator settings", async () => {
    const environment = await load({
      registry: { host: 'registry.test:5000', repository: 'previews/shop' },
      fallbacks: validUuids('main'),
      secrets: [],
      source: 'the server config for acme/shop',
    });
    const plan = await planEnvironment(environment, { buildUuid: validUuid('pull-request-7') });
    expect(plan.importOrder.slice(1)).toEqual([
      { buildUuid: 'main', source: 'fallback', why: "the server config's fallback" },
    ]);
  });

  it('takes only build uuids validated where they came in (typechecked), the spec validating its own', async () => {
    const environment = await load();
    const unchecked: string = 'pr-7';
    // @ts-expect-error a plain string is no BuildUuid: the flag, spec or server config validates it first
    await planEnvironment(environment, { buildUuid: unchecked });
    await planEnvironment(environment, {
      buildUuid: validUuid('pr-7'),
      // @ts-expect-error nor is a choice's
      fallbacks: [{ buildUuid: 'main', why: 'base' }],
    });
    // @ts-expect-error a bare fallback neither
    await planEnvironment(environment, { buildUuid: validUuid('pr-7'), fallbacks: ['main'] });
    const file = await fixture!.writeSpec({ ...spec, fallbacks: ['main', 'Not A Uuid'] });
    const error = await loadEnvironment(file, { root: fixture!.dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).path).toBe('fallbacks[1]');
    expect((error as Error).message).toContain('lower-case letters and digits');
  });
});
