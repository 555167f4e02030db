import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironment, type OperatorSettings, planEnvironment, SpecError } from '../src/index.js';
import { validUuid, validUuids } from './support/build-uuids.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';

// A spec loaded for `deployer serve` is a stranger's: what the operator fixes (registry, cache,
// fallbacks, secret sources, tags) must not be reachable from it, whatever it writes.

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const operator: OperatorSettings = {
  registry: { host: 'images.operator.test:5000', repository: 'previews/shop', insecure: true },
  cache: { repository: 'previews/shop/cache', strategy: 'path' },
  fallbacks: validUuids('main'),
  secrets: [{ id: 'npm', env: 'OPERATOR_NPM_TOKEN' }],
  withheldSecrets: ['deploy-key'],
  source: 'the server config for acme/shop',
};

const hostile = {
  registry: { host: 'attacker.example:5000', repository: 'loot', insecure: true },
  cache: { registry: 'attacker.example:5000', repository: 'loot/cache', sharedExport: true },
  fallbacks: ['another-pull-request-1234'],
  services: {
    web: { context: 'web', secrets: [{ id: 'npm', env: 'DEPLOYER_API_TOKEN' }] },
  },
};

async function load(spec: unknown, settings: OperatorSettings = operator) {
  fixture = await createFixture(serviceFiles(['web']));
  return loadEnvironment(await fixture.writeSpec(spec), { root: fixture.dir, operator: settings });
}

async function refused(spec: unknown): Promise<SpecError> {
  const error = await load(spec).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SpecError);
  return error as SpecError;
}

describe('loadEnvironment with operator settings', () => {
  it("never reads the spec's registry, cache or fallbacks", async () => {
    const environment = await load(hostile);
    expect(environment.registry).toEqual(operator.registry);
    expect(environment.cache).toMatchObject({
      registry: 'images.operator.test:5000',
      repository: 'previews/shop/cache',
      strategy: 'path',
      sharedExport: false,
    });
    expect(environment.fallbacks).toEqual(['main']);
    const plan = await planEnvironment(environment, { buildUuid: validUuid('pull-request-7') });
    const refs = [
      plan.services[0]!.image,
      plan.services[0]!.environmentImage,
      ...plan.services[0]!.cache.imports.map((entry) => entry.ref),
      plan.services[0]!.cache.export?.ref ?? '',
    ];
    for (const ref of refs) expect(ref).not.toContain('attacker');
    expect(plan.services[0]!.cache.imports.map((entry) => entry.ref).join(' ')).not.toContain('another');
  });

  it("gives a secret the operator's source, never the variable the spec names", async () => {
    const environment = await load(hostile);
    expect(environment.services[0]!.secrets).toEqual([{ id: 'npm', env: 'OPERATOR_NPM_TOKEN' }]);
  });

  it('leaves out a withheld secret and refuses one the operator does not list', async () => {
    const withheld = await load({
      services: { web: { context: 'web', secrets: [{ id: 'deploy-key', file: 'web/Dockerfile' }] } },
    });
    expect(withheld.services[0]!.secrets).toEqual([]);

    const error = await refused({
      services: { web: { context: 'web', secrets: [{ id: 'tok', env: 'DEPLOYER_API_TOKEN' }] } },
    });
    expect(error.code).toBe('SECRET_NOT_PROVIDED');
    expect(error.path).toBe('services.web.secrets[0].id');
    expect(error.message).toContain('the server config for acme/shop');
    expect(error.message).not.toContain('DEPLOYER_API_TOKEN');
  });

  it.each(['main', 'latest', 'a'.repeat(64), 'v1.2.3'])('refuses a fixed tag (%s)', async (tag) => {
    const error = await refused({ services: { web: { context: 'web', tag } } });
    expect(error.code).toBe('FIXED_BY_OPERATOR');
    expect(error.path).toBe('services.web.tag');
  });

  it('tags a build that withholds a secret apart from one given it, from the same files', async () => {
    const spec = { services: { web: { context: 'web', secrets: [{ id: 'npm', env: 'X' }] } } };
    const given = await planEnvironment(await load(spec), { buildUuid: validUuid('main') });
    const withholding = { ...operator, secrets: [], withheldSecrets: ['npm'] };
    fixture = await createFixture(serviceFiles(['web']));
    const environment = await loadEnvironment(await fixture.writeSpec(spec), {
      root: fixture.dir,
      operator: withholding,
    });
    const pullRequest = await planEnvironment(environment, { buildUuid: validUuid('pull-request-7') });
    expect(pullRequest.services[0]!.tag).not.toBe(given.services[0]!.tag);
  });
});

describe('a spec without operator settings (the CLI)', () => {
  it('refuses a fixed tag shaped like a content tag', async () => {
    fixture = await createFixture(serviceFiles(['web']));
    const file = await fixture.writeSpec({
      registry: { host: 'r.test', repository: 'shop' },
      services: { web: { context: 'web', tag: 'f'.repeat(64) } },
    });
    const error = await loadEnvironment(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).path).toBe('services.web.tag');
    expect((error as SpecError).message).toContain('content tag');
  });
});
