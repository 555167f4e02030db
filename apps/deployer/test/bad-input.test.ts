import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { processesMatching } from './support/processes.js';

// Every command refuses bad input with one message naming the flag or the path into the spec, exit 2,
// before anything starts. The registry named here does not exist: reaching it would be a bug.
const registry = '127.0.0.1:9';
let dir: string;

async function spec(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-bad-input-'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'Dockerfile'), 'FROM scratch\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web }\n`;

describe('bad input', () => {
  it.each([
    ['an unknown key', `${good}  colour: blue\n`, /colour/],
    [
      'a wrong type',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, args: [1] }\n`,
      /services\.web\.args/,
    ],
    [
      'a missing context',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: nowhere }\n`,
      /services\.web\.context/,
    ],
    [
      'a missing Dockerfile',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, dockerfile: Missing.Dockerfile }\n`,
      /services\.web\.dockerfile/,
    ],
    [
      'an unknown dependsOn',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, dependsOn: [bse] }\n`,
      /services\.web\.dependsOn\[0\]/,
    ],
    [
      'a literal secret',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, secrets: [{ id: token, value: hunter2 }] }\n`,
      /services\.web\.secrets\[0\]/,
    ],
  ])('build refuses a spec with %s, naming where', async (_, text, where) => {
    const file = await spec(`spec-${Math.random().toString(36).slice(2)}.yaml`, text);
    const result = await runCli(['build', '-f', file, '--engine', 'buildah']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(where);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).toBe('');
  });

  it.each([
    [['build', '--uuid', 'Not A Uuid'], /--uuid/],
    [['build', '--concurrency', '0'], /--concurrency must be a whole number/],
    [['build', '--engine', 'docker'], /--engine must be one of/],
    [['build', '--fallback', 'main', '--no-fallbacks'], /--fallback and --no-fallbacks/],
    [['plan', '--fallback', 'Bad Fallback'], /fallback/],
    [['down'], /--uuid is required/],
    [['cache', 'gc'], /--older-than <age> is required/],
    [['cache', 'gc', '--older-than', 'fortnight'], /--older-than/],
    [['cache', 'ls', '--uuid', '../etc'], /--uuid/],
  ])('%j is refused naming the flag', async (args, message) => {
    const file = await spec('good.yaml', good);
    const result = await runCli([...args, '-f', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([['build'], ['down'], ['cache', 'gc']])(
    '%s refuses a service whose image repository is the cache repository, naming it and the rule',
    async (...command) => {
      // Images go to shop/<service>, caches to shop/cache: service `cache` would share the cache's repository.
      const file = await spec(
        'cache-service.yaml',
        `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web }\n  cache: { context: web }\n`,
      );
      const flags =
        command[0] === 'build'
          ? ['--engine', 'buildah']
          : command[0] === 'down'
            ? ['--uuid', 'cache-web-main']
            : ['--older-than', '1d'];
      const result = await runCli([...command, '-f', file, ...flags]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('services.cache');
      expect(result.stderr).toContain(`${registry}/shop/cache is the cache repository`);
      expect(result.stderr).toContain('images and caches never share a repository');
    },
  );

  it('names a missing spec file', async () => {
    const result = await runCli(['plan', '-f', join(dir, 'absent.yaml')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('absent.yaml');
  });

  it('starts no build process for bad input', async () => {
    const file = await spec(
      'cycle.yaml',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, dependsOn: [api] }\n  api: { context: web, dependsOn: [web] }\n`,
    );
    const result = await runCli(['build', '-f', file, '--engine', 'buildah'], {
      env: { DEPLOYER_BUILDAH_ROOT: dir },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/web → api → web|api → web → api/);
    expect(await processesMatching(dir)).toEqual([]);
  });
});
