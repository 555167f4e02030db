import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { processesMatching } from './support/processes.js';

// Every command refuses bad input with one message naming the flag or the path into the spec, exit 2,
// before anything starts. The specs name this registry, written as a placeholder and replaced by a
// listener that counts connections and drops them: reaching it at all would be a bug.
const registry = 'registry.placeholder:9';
let dir: string;
let listener: Server;
let listening: string;
let connections = 0;

async function spec(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text.replaceAll(registry, listening));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-bad-input-'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'Dockerfile'), 'FROM scratch\n');
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  listening = `127.0.0.1:${address.port}`;
});
afterEach(() => {
  expect(connections, 'connections to the registry').toBe(0);
});
afterAll(async () => {
  await new Promise((resolve) => listener?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** "Billion laughs": nine levels of aliases, each repeating the one before ten times. */
const aliasBomb = [
  'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...'bcdefghi'.split('').map((name, index) => {
    const previous = 'abcdefghi'[index]!;
    return `${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`;
  }),
].join('\n');

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
    [
      'a context outside the spec root',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: ../../../etc }\n`,
      /services\.web\.context: (\.\.\/)+etc must stay inside the spec's root/,
    ],
    [
      'a host file as its Dockerfile',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, dockerfile: /etc/passwd }\n`,
      /services\.web\.dockerfile: (\.\.\/)+etc\/passwd must stay inside the spec's root/,
    ],
    [
      'a service named __proto__',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web }\n  __proto__: { context: web }\n`,
      /services\.__proto__: .*service names are lower-case letters and digits/,
    ],
    [
      'an upper-case service name',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  Web: { context: web }\n`,
      /services\.Web: key "Web" is not allowed: service names are lower-case/,
    ],
    [
      'a secret file path with a comma',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, secrets: [{ id: npm, file: "a,src=/etc/shadow" }] }\n`,
      /services\.web\.secrets\[0\]\.file: secret file paths cannot contain a comma/,
    ],
    [
      'a YAML alias bomb',
      `${aliasBomb}\nregistry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web }\n`,
      /: \(root\): YAML aliases would be expanded more than 100 times/,
    ],
    [
      'a secret id used twice in one service',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, secrets: [{ id: a, env: X }, { id: a, env: Y }] }\n`,
      /services\.web\.secrets\[1\]\.id: secret id "a" is already used by secrets\[0\]/,
    ],
    [
      'a target that reads as a flag',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, target: "--output=type=local,dest=/tmp/out" }\n`,
      /services\.web\.target: stage names are letters, digits/,
    ],
    [
      'a build argument name with "=" and a flag',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web, args: { "A=B --output x": "1" } }\n`,
      /services\.web\.args\["A=B --output x"\]: key "A=B --output x" is not allowed: build argument names are ARG names/,
    ],
    [
      'a missing context, named relative to the root',
      `registry: { host: ${registry}, repository: shop }\nservices:\n  web: { context: web }\n  api: { context: api }\n`,
      /services\.api\.context: build context \.\/api is not a directory/,
    ],
  ])('build refuses a spec with %s, naming the file and where', async (_, text, where) => {
    const file = await spec(`spec-${Math.random().toString(36).slice(2)}.yaml`, text);
    const result = await runCli(['build', '-f', file, '--engine', 'buildah']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(where);
    expect(result.stderr).toContain(`${file}: `);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toContain('root:x:0:0');
    expect(result.stdout).toBe('');
  });

  it.each([
    [['build', '--uuid', 'Not A Uuid'], /--uuid/],
    [['build', '--concurrency', '0'], /--concurrency must be a whole number/],
    [['build', '--concurrency', '0x10'], /--concurrency must be a whole number .* \(got "0x10"\)/],
    [['build', '--concurrency', '1e1'], /--concurrency must be a whole number .* \(got "1e1"\)/],
    [['build', '--concurrency', ' 2'], /--concurrency must be a whole number .* \(got " 2"\)/],
    [['build', '--concurrency', '-1'], /--concurrency must be a whole number from 1 to 64 .*\(got "-1"\)/],
    [['build', '--uuid', '-f'], /--uuid needs a value/],
    [['build', '--buildkit-host', 'garbage'], /--buildkit-host "garbage": expected unix:\/\/, tcp:\/\//],
    [
      ['build', '--buildkit-host', 'tcp://buildkitd'],
      /--buildkit-host "tcp:\/\/buildkitd": tcp:\/\/ needs host:port; accepted forms: unix:\/\//,
    ],
    [
      ['build', '--buildkit-host', 'unix:///run/a.sock', '--buildkit-host', 'dns://buildkitd'],
      /--buildkit-host "dns:\/\/buildkitd": dns:\/\/ needs a host name and a port/,
    ],
    [['build', '--builds-per-daemon', '0'], /--builds-per-daemon must be a whole number from 1 to 64/],
    [['build', '--builds-per-daemon', '2x'], /--builds-per-daemon must be a whole number .* \(got "2x"\)/],
    [['plan', '--root', 'no-such-dir'], /--root "no-such-dir": must be a directory/],
    [['down', '--uuid', 'main', '--root', 'no-such-dir'], /--root "no-such-dir": must be a directory/],
    [['cache', 'ls', '--root', 'no-such-dir'], /--root "no-such-dir": must be a directory/],
    [['build', '--engine', 'docker'], /--engine must be one of/],
    [['build', '--fallback', 'main', '--no-fallbacks'], /--fallback and --no-fallbacks/],
    [['plan', '--fallback', 'Bad Fallback'], /--fallback 1 "Bad Fallback".*must be lower-case/],
    [['build', '--fallback', 'main', '--fallback', 'pr--2'], /--fallback 2 "pr--2".*must be lower-case/],
    [['down', '--uuid', 'Main'], /--uuid "Main".*must be lower-case/],
    [['down'], /--uuid is required/],
    [['cache', 'gc'], /--older-than <age> is required/],
    [['cache', 'gc', '--older-than', 'fortnight'], /--older-than/],
    [
      ['cache', 'gc', '--older-than', '0s'],
      /--older-than "0s": must be .*at least 1s: a positive duration such as 14d, 12h or 30m/,
    ],
    [['cache', 'ls', '--uuid', '../etc'], /--uuid/],
  ])('%j is refused naming the flag', async (args, message) => {
    const file = await spec('good.yaml', good);
    const result = await runCli([...args, '-f', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('names BUILDKIT_HOST when the address comes from the environment', async () => {
    const file = await spec('good.yaml', good);
    const result = await runCli(['build', '-f', file], { env: { BUILDKIT_HOST: 'buildkitd:1234' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/BUILDKIT_HOST "buildkitd:1234": expected unix:\/\//);
  });

  it('names DEPLOYER_BUILDKIT_HOSTS when the pool comes from the environment', async () => {
    const file = await spec('good.yaml', good);
    const result = await runCli(['build', '-f', file], {
      env: { DEPLOYER_BUILDKIT_HOSTS: 'tcp://10.0.0.1:1234,buildkitd:1234' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /DEPLOYER_BUILDKIT_HOSTS "buildkitd:1234": expected unix:\/\/.*dns:\/\/name:port/,
    );
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
      expect(result.stderr).toContain(`${listening}/shop/cache is the cache repository`);
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
