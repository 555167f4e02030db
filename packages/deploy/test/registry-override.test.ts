import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironment, planEnvironment } from '../src/index.js';
import { validUuid, validUuids } from './support/build-uuids.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';

// DEPLOYER_REGISTRY / --registry is the operator's: a spec that names a cache host of its own must not
// keep leases, seeding and cache exports there once the operator moved the images.

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const spec = {
  registry: { host: 'spec.example.test', repository: 'shop' },
  cache: { registry: 'attacker.example.test', repository: 'shop/cache', strategy: 'path' },
  services: { web: { context: 'web' } },
};

async function plan(overrides: { registry?: string; cacheRegistry?: string }) {
  fixture = await createFixture(serviceFiles(['web']));
  const environment = await loadEnvironment(await fixture.writeSpec(spec), { overrides });
  return (
    await planEnvironment(environment, {
      buildUuid: validUuid('pull-request-7'),
      fallbacks: validUuids('main'),
    })
  ).services[0]!;
}

describe('the image registry override', () => {
  it('moves every cache ref with it when the spec names its own cache host', async () => {
    const web = await plan({ registry: 'operator.example.test' });
    expect(web.image.startsWith('operator.example.test/shop/web:')).toBe(true);
    const refs = [...web.cache.imports.map((entry) => entry.ref), web.cache.export?.ref];
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) expect(ref?.startsWith('operator.example.test/')).toBe(true);
  });

  it('leaves the caches where a cache registry override puts them', async () => {
    const web = await plan({ registry: 'operator.example.test', cacheRegistry: 'caches.example.test' });
    expect(web.cache.export?.ref.startsWith('caches.example.test/')).toBe(true);
  });

  it("without an override, the spec's own cache host stands (the CLI trusts its spec)", async () => {
    const web = await plan({});
    expect(web.cache.export?.ref.startsWith('attacker.example.test/')).toBe(true);
  });
});
