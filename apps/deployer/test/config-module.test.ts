import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// A config module's engines reach `--engine`, DEPLOYER_ENGINE and the spec's `engine` through the one
// assembly; an unknown name and a broken module are refused (exit 2) before anything starts. `plan` builds
// nothing, and its registry (a closed port) is allowed to be unreachable.
const example = fileURLToPath(
  new URL('../../../examples/helm-values-plugin/deployer.config.ts', import.meta.url),
);

let dir: string;
let spec: string;
const bare = {
  PATH: process.env.PATH ?? '',
  BUILDKIT_HOST: '',
  DEPLOYER_BUILDKIT_HOSTS: '',
  DEPLOYER_ENGINE: '',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-config-module-'));
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  spec = join(dir, 'env.yaml');
  await writeFile(
    spec,
    'registry: { host: 127.0.0.1:1, repository: plan, insecure: true }\nservices:\n  app:\n    context: app\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const plan = (args: string[], env: Record<string, string> = {}, cwd?: string) =>
  runCli(['plan', '-f', spec, '--uuid', 'quiet-river-123456', '--json', ...args], {
    env: { ...bare, ...env },
    ...(cwd && { cwd }),
  });

describe('config modules', () => {
  it("plans with the example plugin's wrapping engine (a .ts module), its label in the argv", async () => {
    const result = await plan(['--config-module', example, '--engine', 'logged-buildkit']);
    expect(result.stderr).not.toMatch(/must be one of|config module/);
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as { engine: string; services: { engineArgv: string[] }[] };
    expect(json.engine).toBe('logged-buildkit');
    expect(json.services[0]?.engineArgv.slice(0, 2)).toEqual(['buildctl', 'build']);
    expect(json.services[0]?.engineArgv).toContain('label:org.example.built-by=deployer');
  });

  it.each([
    [['--engine', 'kaniko'], {}, '--engine'],
    [[], { DEPLOYER_ENGINE: 'kaniko' }, 'DEPLOYER_ENGINE'],
  ])(
    'refuses an engine nobody registered (%j %j), listing the registered names',
    async (args, env, source) => {
      const result = await plan(['--config-module', example, ...args], env);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        `${source} must be one of auto, buildkit, buildx, buildah, logged-buildkit (got "kaniko")`,
      );
    },
  );

  it("names the spec's engine when the spec asks for an unknown one", async () => {
    const other = join(dir, 'kaniko.yaml');
    await writeFile(
      other,
      'registry: { host: 127.0.0.1:1, repository: plan }\nengine: kaniko\nservices:\n  app:\n    context: app\n',
    );
    const result = await runCli(['plan', '-f', other], { env: bare });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /kaniko\.yaml: engine must be one of auto, buildkit, buildx, buildah \(got "kaniko"\)/,
    );
  });

  it('runs no deployer.config.mjs it finds in the working directory, only the module named', async () => {
    const here = join(dir, 'here');
    await mkdir(here, { recursive: true });
    const module = [
      'export default {',
      "  engines: [{ name: 'local-one', cacheFlavour: 'buildah', create: async (context) => context.engine('buildah') }],",
      '};',
    ].join('\n');
    await writeFile(join(here, 'deployer.config.mjs'), module);
    // The working directory is often a checkout: a pull request's module would run beside the credentials.
    const found = await plan(['--engine', 'local-one'], {}, here);
    expect(found.exitCode).toBe(2);
    expect(found.stderr).toMatch(
      /--engine must be one of auto, buildkit, buildx, buildah \(got "local-one"\)/,
    );
    const named = await plan(['--engine', 'local-one'], {
      DEPLOYER_CONFIG_MODULE: join(here, 'deployer.config.mjs'),
    });
    expect(named.exitCode, named.stderr).toBe(0);
    expect((JSON.parse(named.stdout) as { engine: string }).engine).toBe('local-one');
    const flagged = await plan([
      '--engine',
      'local-one',
      '--config-module',
      join(here, 'deployer.config.mjs'),
    ]);
    expect(flagged.exitCode, flagged.stderr).toBe(0);
  });

  it.each([
    [
      'not-a-config.mjs',
      'export default 42;\n',
      /config module .*not-a-config\.mjs does not export a config/,
    ],
    ['no-default.mjs', 'export const engines = [];\n', /no-default\.mjs has no default export/],
    ['throws.mjs', "throw new Error('boom');\n", /throws\.mjs failed to load: boom/],
    [
      'clash.mjs',
      "export default { engines: [{ name: 'buildkit', cacheFlavour: 'buildkit', create: async () => ({}) }] };\n",
      /engine "buildkit" is registered twice: by the built-in engine buildkit and by the config's engines\[0\]/,
    ],
    ['typo.mjs', 'export default { engine: [] };\n', /typo\.mjs does not export a config: .*engine/],
  ])('refuses %s with exit 2, naming the file and what is wrong', async (name, source, message) => {
    const file = join(dir, name);
    await writeFile(file, source);
    const result = await plan(['--config-module', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('loads no config module for --help, even a broken one named', async () => {
    const broken = join(dir, 'broken-here');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'deployer.config.mjs'), "throw new Error('loaded for --help');\n");
    for (const args of [
      ['plan', '--help'],
      ['build', '--help'],
      ['serve', '--help'],
    ]) {
      const result = await runCli(args, {
        env: { ...bare, DEPLOYER_CONFIG_MODULE: join(broken, 'deployer.config.mjs') },
        cwd: broken,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/--config-module <path>/);
    }
  });

  it('refuses a config module that is not there', async () => {
    const result = await plan(['--config-module', 'nowhere.mjs']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--config-module "nowhere\.mjs": no such file/);
  });
});
