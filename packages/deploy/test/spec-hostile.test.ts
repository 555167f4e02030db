import { afterEach, describe, expect, it } from 'vitest';
import { isInputError, loadEnvironment, SpecError } from '../src/index.js';
import { maxSpecAliasCount } from '../src/spec/parse-spec-yaml.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';

// Specs come from pull requests: values an engine is handed (a target, build argument names, secret ids)
// and the YAML itself are refused when loading, naming the key and the rule, before anything starts.
let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const registry = { host: 'registry.example.test:5000', repository: 'shop' };

async function refused(spec: unknown): Promise<SpecError> {
  fixture = await createFixture(serviceFiles(['web']));
  const error = await loadEnvironment(await fixture.writeSpec(spec)).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SpecError);
  expect(isInputError(error)).toBe(true);
  expect((error as SpecError).file).toBe(fixture.specFile);
  return error as SpecError;
}

const web = (service: Record<string, unknown>) => ({
  registry,
  services: { web: { context: 'web', ...service } },
});

describe('values engines read', () => {
  it.each(['--output=type=local,dest=/tmp/x', '-o', 'a b', 'stage,name', '.hidden', '', 'x'.repeat(129)])(
    'refuses the target %j: not a Dockerfile stage name',
    async (target) => {
      const error = await refused(web({ target }));
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.path).toBe('services.web.target');
      expect(error.detail).toContain('stage names are letters, digits');
    },
  );

  it.each(['runtime', 'build-2', 'Base_image.v1', '0stage', 'x'.repeat(128)])(
    'accepts the target %j',
    async (target) => {
      fixture = await createFixture(serviceFiles(['web']));
      const env = await loadEnvironment(await fixture.writeSpec(web({ target })));
      expect(env.services[0]!.target).toBe(target);
    },
  );

  it.each([
    ['A=B --output x', 'services.web.args["A=B --output x"]'],
    ['1ST', 'services.web.args["1ST"]'],
    ['has-dash', 'services.web.args.has-dash'],
    ['', 'services.web.args[""]'],
  ])('refuses the build argument name %j at %s', async (name, path) => {
    const error = await refused(web({ args: { OK: '1', [name]: 'x' } }));
    expect(error.path).toBe(path);
    expect(error.detail).toContain('build argument names are ARG names');
  });

  it('accepts ARG names', async () => {
    fixture = await createFixture(serviceFiles(['web']));
    const env = await loadEnvironment(
      await fixture.writeSpec(web({ args: { NODE_ENV: 'production', _private: 1, http_proxy: 'p' } })),
    );
    expect(Object.keys(env.services[0]!.args)).toEqual(['NODE_ENV', '_private', 'http_proxy']);
  });

  it('refuses a secret id used twice in one service, at the second', async () => {
    const error = await refused(
      web({
        secrets: [
          { id: 'a', env: 'X' },
          { id: 'b', env: 'Y' },
          { id: 'a', env: 'Z' },
        ],
      }),
    );
    expect(error.path).toBe('services.web.secrets[2].id');
    expect(error.detail).toContain('secret id "a" is already used by secrets[0]');
  });

  it('accepts one secret id in two services', async () => {
    fixture = await createFixture(serviceFiles(['web', 'api']));
    const env = await loadEnvironment(
      await fixture.writeSpec({
        registry,
        services: {
          web: { context: 'web', secrets: [{ id: 'npm', env: 'NPM_TOKEN' }] },
          api: { context: 'api', secrets: [{ id: 'npm', env: 'NPM_TOKEN' }] },
        },
      }),
    );
    expect(env.services.map((service) => service.secrets)).toEqual([
      [{ id: 'npm', env: 'NPM_TOKEN' }],
      [{ id: 'npm', env: 'NPM_TOKEN' }],
    ]);
  });
});

describe('YAML aliases', () => {
  it('refuses nested aliases that would expand exponentially, naming the file', async () => {
    // "Billion laughs": each level repeats the one before ten times.
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level < 9; level++) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const error = await refused(`${levels.join('\n')}\nregistry: { host: r.example, repository: shop }\n`);
    expect(error.code).toBe('INVALID_YAML');
    expect(error.path).toBe('(root)');
    expect(error.detail).toContain(`more than ${maxSpecAliasCount} times`);
    expect(error.message.startsWith(`${fixture!.specFile}: (root): YAML aliases`)).toBe(true);
  });

  it('still reads a spec that uses a few aliases', async () => {
    fixture = await createFixture(serviceFiles(['web', 'api']));
    const file = await fixture.writeSpec(
      `registry: { host: ${registry.host}, repository: shop }\nservices:\n  web: { context: web, args: &args { A: "1" } }\n  api: { context: api, args: *args }\n`,
    );
    const env = await loadEnvironment(file);
    expect(env.services.map((service) => service.args)).toEqual([{ A: '1' }, { A: '1' }]);
  });
});
