import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isInputError, loadEnvironment, overridesFromEnv, SpecError } from '../src/index.js';
import { createFixture, type Fixture, serviceFiles, specRef } from './support/fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const registry = { host: 'registry.example.test:5000', repository: 'shop' };

async function load(spec: unknown, files: Record<string, string> = serviceFiles(['web', 'api', 'base'])) {
  fixture = await createFixture(files);
  return loadEnvironment(await fixture.writeSpec(spec));
}

async function specError(spec: unknown, files?: Record<string, string>): Promise<SpecError> {
  const error = await load(spec, files).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SpecError);
  expect(isInputError(error)).toBe(true);
  return error as SpecError;
}

describe('loadEnvironment', () => {
  it('resolves defaults, paths and dependency order', async () => {
    const env = await load({
      registry,
      fallbacks: ['main'],
      services: {
        api: {
          context: 'api',
          dependsOn: ['base'],
          args: { PORT: 8080, BASE: specRef('services.base.image') },
        },
        base: { context: 'base', target: 'runtime' },
        web: { context: 'web', dockerfile: 'Dockerfile' },
      },
    });
    expect(env.services.map((service) => service.name)).toEqual(['base', 'api', 'web']);
    const api = env.services[1]!;
    expect(api.contextDir).toBe(`${fixture!.dir}/api`);
    expect(api.dockerfile).toBe(`${fixture!.dir}/api/Dockerfile`);
    expect(api.args).toEqual({ PORT: '8080', BASE: specRef('services.base.image') });
    expect(env.engine).toBe('auto');
    expect(env.fallbacks).toEqual(['main']);
    expect(env.registry.insecure).toBe(false);
    expect(env.cache).toMatchObject({
      registry: 'registry.example.test:5000',
      repository: 'shop/cache',
      insecure: false,
      strategy: 'auto',
    });
  });

  it('applies overrides, validated like the spec', async () => {
    fixture = await createFixture(serviceFiles(['web']));
    const file = await fixture.writeSpec({ registry, services: { web: { context: 'web' } } });
    const env = await loadEnvironment(file, {
      overrides: {
        ...overridesFromEnv({
          DEPLOYER_REGISTRY: '127.0.0.1:5999',
          DEPLOYER_INSECURE_REGISTRIES: '127.0.0.1:5999',
        }),
        engine: 'buildah',
      },
    });
    expect(env.registry).toEqual({ host: '127.0.0.1:5999', repository: 'shop', insecure: true });
    expect(env.cache.registry).toBe('127.0.0.1:5999');
    expect(env.cache.insecure).toBe(true);
    expect(env.engine).toBe('buildah');

    const error = await loadEnvironment(file, { overrides: { registry: 'not a host' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).path).toBe('registry.host');
    expect((error as SpecError).message).toContain('override');
  });

  it('names the path of an unknown key', async () => {
    const error = await specError({ registry, services: { web: { context: 'web', dependOn: ['api'] } } });
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.path).toBe('services.web');
    expect(error.file).toBe(fixture!.specFile);
    expect(error.message).toMatch(/env\.yaml: services\.web: Unrecognized key: "dependOn"$/);
  });

  it('names the path of a wrong type', async () => {
    const error = await specError({ registry, services: { web: { context: 'web', dependsOn: 'api' } } });
    expect(error.path).toBe('services.web.dependsOn');
    expect(error.detail).toMatch(/array/);
  });

  it('refuses a secret with a literal value', async () => {
    const error = await specError({
      registry,
      services: { web: { context: 'web', secrets: [{ id: 'npm', value: 'hunter2' }] } },
    });
    expect(error.path).toBe('services.web.secrets[0]');
    expect(error.detail).toContain('secrets are references');
    expect(error.message).not.toContain('hunter2');
  });

  it('requires exactly one secret source', async () => {
    const error = await specError({
      registry,
      services: { web: { context: 'web', secrets: [{ id: 'npm', env: 'NPM_TOKEN', file: 'token' }] } },
    });
    expect(error.path).toBe('services.web.secrets[0]');
    expect(error.detail).toContain('exactly one');
  });

  it('refuses a secret file path BuildKit would split at a comma, written or resolved', async () => {
    let error = await specError({
      registry,
      services: { web: { context: 'web', secrets: [{ id: 'npm', file: 'a,b' }] } },
    });
    expect(error.path).toBe('services.web.secrets[0].file');
    expect(error.detail).toContain('cannot contain a comma');

    // A written path without a comma can still resolve to one: the spec's directory has it.
    fixture = await createFixture({ 'keys,old/web/Dockerfile': 'FROM scratch\n', 'keys,old/npm': 'token' });
    await fixture.write(
      'keys,old/env.yaml',
      stringify({ registry, services: { web: { context: 'web', secrets: [{ id: 'npm', file: 'npm' }] } } }),
    );
    error = (await loadEnvironment(join(fixture.dir, 'keys,old', 'env.yaml')).catch(
      (e: unknown) => e,
    )) as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.path).toBe('services.web.secrets[0].file');
    expect(error.detail).toContain('cannot contain a comma');
  });

  it('names the rule a rejected key broke, and refuses __proto__ instead of dropping it', async () => {
    let error = await specError({ registry, services: { Web: { context: 'web' } } });
    expect(error.path).toBe('services.Web');
    expect(error.detail).toContain('service names are lower-case letters and digits');

    const proto = '{"__proto__": {"context": "web"}, "web": {"context": "web"}}';
    error = await specError(`registry: { host: ${registry.host}, repository: shop }\nservices: ${proto}\n`);
    expect(error.path).toBe('services.__proto__');
    expect(error.detail).toContain('service names are lower-case letters and digits');

    error = await specError(
      `registry: { host: ${registry.host}, repository: shop }\nservices:\n  web: { context: web, args: { __proto__: x } }\n`,
    );
    expect(error.path).toBe('services.web.args.__proto__');
  });

  it('reports a missing Dockerfile and a missing context', async () => {
    let error = await specError({
      registry,
      services: { web: { context: 'web', dockerfile: 'Dockerfile.prod' } },
    });
    expect(error.code).toBe('MISSING_DOCKERFILE');
    expect(error.path).toBe('services.web.dockerfile');

    error = await specError({ registry, services: { web: { context: 'nowhere' } } });
    expect(error.code).toBe('MISSING_CONTEXT');
    expect(error.path).toBe('services.web.context');
  });

  it('reports an unknown dependsOn and names a cycle', async () => {
    let error = await specError({
      registry,
      services: { web: { context: 'web', dependsOn: ['api', 'bse'] }, api: { context: 'api' } },
    });
    expect(error.code).toBe('UNKNOWN_DEPENDENCY');
    expect(error.path).toBe('services.web.dependsOn[1]');
    expect(error.detail).toContain('"bse"');

    error = await specError({
      registry,
      services: {
        web: { context: 'web' },
        api: { context: 'api', dependsOn: ['base'] },
        base: { context: 'base', dependsOn: ['api'] },
      },
    });
    expect(error.code).toBe('DEPENDENCY_CYCLE');
    expect(error.detail).toContain('api → base → api');
  });

  it('rejects invalid fallbacks and references outside dependsOn', async () => {
    let error = await specError({ registry, fallbacks: ['Main'], services: { web: { context: 'web' } } });
    expect(error.path).toBe('fallbacks[0]');

    error = await specError({
      registry,
      services: {
        web: { context: 'web', args: { API: specRef('services.api.image') } },
        api: { context: 'api' },
      },
    });
    expect(error.code).toBe('INVALID_REFERENCE');
    expect(error.path).toBe('services.web.args.API');
    expect(error.detail).toContain('dependsOn');
  });

  it('reports YAML syntax errors with a position, and a missing file', async () => {
    const error = await specError('registry: [unclosed\nservices: {}\n');
    expect(error.code).toBe('INVALID_YAML');
    expect(error.path).toMatch(/^line \d+, column \d+$/);

    const missing = await loadEnvironment('/nonexistent/env.yaml').catch((e: unknown) => e);
    expect((missing as SpecError).code).toBe('SPEC_NOT_FOUND');
  });

  it('loads the shop example', async () => {
    const env = await loadEnvironment(new URL('../../../examples/shop/env.yaml', import.meta.url).pathname);
    expect(env.services.map((service) => service.name)).toEqual(['base', 'api', 'worker', 'web']);
    expect(env.fallbacks).toEqual(['main']);
    expect(env.cache.repository).toBe('shop/cache');
  });
});
