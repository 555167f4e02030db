import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigModuleError } from '../src/config/config-module-error.js';
import { loadConfigModule } from '../src/config/load-config-module.js';
import { runCli } from './run-cli.js';

// A config module's registry profiles: checked like the spec's `cache` when the module loads (one per host,
// merged own first, then each plugin's), and applied by the CLI to the cache registry of a spec that sets
// no `cache.kind`/`cache.profile` of its own. `plan` builds nothing; its registry (a closed port) may be
// unreachable.
let dir: string;
const bare = {
  PATH: process.env.PATH ?? '',
  BUILDKIT_HOST: '',
  DEPLOYER_BUILDKIT_HOSTS: '',
  DEPLOYER_ENGINE: '',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-registry-profiles-'));
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configModule(name: string, lines: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.join('\n'));
  return file;
}

async function refusal(file: string): Promise<ConfigModuleError> {
  const error = await loadConfigModule({ flag: file, env: {}, cwd: dir }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigModuleError);
  return error as ConfigModuleError;
}

describe('registry profiles in a config module', () => {
  it("merges the config's own profiles first, then each plugin's", async () => {
    const file = await configModule('merged.mjs', [
      'export default {',
      "  registryProfiles: [{ host: 'registry.internal:5000', kind: 'dockerhub' }],",
      "  plugins: [() => ({ registryProfiles: [{ host: 'other.internal', profile: { nestedPaths: false } }] })],",
      '};',
    ]);
    const config = await loadConfigModule({ flag: file, env: {}, cwd: dir });
    expect(config.registryProfiles).toEqual([
      { host: 'registry.internal:5000', kind: 'dockerhub' },
      { host: 'other.internal', profile: { nestedPaths: false } },
    ]);
  });

  let bad = 0;
  it.each([
    ["{ host: 'https://registry.internal' }", /registryProfiles\[0\]\.host: /],
    ["{ host: 'registry.internal', kind: 'artifactory' }", /registryProfiles\[0\]\.kind: /],
    ["{ host: 'registry.internal', profile: { nested: true } }", /registryProfiles\[0\]\.profile: /],
    [
      "{ host: 'registry.internal', profile: { acceptsModeMax: 'no' } }",
      /registryProfiles\[0\]\.profile\.acceptsModeMax: /,
    ],
  ])('refuses %s, naming the field', async (entry, message) => {
    // One file per case: Node caches a required module by its path.
    const file = await configModule(`bad-${++bad}.mjs`, [`export default { registryProfiles: [${entry}] };`]);
    expect((await refusal(file)).message).toMatch(message);
  });

  it('refuses two profiles for one host (case-insensitively), naming both', async () => {
    const file = await configModule('twice.mjs', [
      'export default {',
      "  registryProfiles: [{ host: 'registry.internal', kind: 'harbor' }],",
      "  plugins: [{}, { registryProfiles: [{ host: 'Registry.Internal', kind: 'quay' }] }],",
      '};',
    ]);
    const error = await refusal(file);
    expect(error.message).toContain(
      'plugins[1].registryProfiles[0] and registryProfiles[0] both give a profile for registry "Registry.Internal"',
    );
  });
});

describe('deployer plan --config-module with registry profiles', () => {
  const dockerhubLike = [
    'export default {',
    "  registryProfiles: [{ host: '127.0.0.1:1', kind: 'dockerhub', profile: { acceptsModeMax: false } }],",
    '};',
  ];
  type PlanJson = {
    cacheConfig: { kind?: string };
    services: {
      cache: { strategy: string; profile: { kind: string }; mode: string; export: { ref: string } };
    }[];
  };

  async function plan(specCache: string, config: string | undefined) {
    const spec = join(dir, 'env.yaml');
    await writeFile(
      spec,
      `registry: { host: 127.0.0.1:1, repository: plan, insecure: true }\n${specCache}services:\n  app:\n    context: app\n`,
    );
    const result = await runCli(
      [
        'plan',
        '-f',
        spec,
        '--uuid',
        'quiet-river-123456',
        '--json',
        '--engine',
        'buildkit',
        ...(config ? ['--config-module', config] : []),
      ],
      { env: bare },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as PlanJson;
  }

  it("gives the spec's cache registry the profile: tag strategy, inline cache", async () => {
    const config = await configModule('dockerhub-like.mjs', dockerhubLike);
    const without = (await plan('', undefined)).services[0]!.cache;
    expect(without.profile.kind).toBe('distribution');
    expect(without.strategy).toBe('path');

    const json = await plan('', config);
    expect(json.cacheConfig.kind).toBe('dockerhub');
    const cache = json.services[0]!.cache;
    expect(cache.profile.kind).toBe('dockerhub');
    expect(cache.strategy).toBe('tag');
    expect(cache.mode).toBe('inline');
    expect(cache.export.ref).toBe('127.0.0.1:1/plan/cache:cache-app-quiet-river-123456');
  });

  it("keeps the spec's own cache.kind", async () => {
    const config = await configModule('dockerhub-like.mjs', dockerhubLike);
    const cache = (await plan('cache: { kind: harbor }\n', config)).services[0]!.cache;
    expect(cache.profile.kind).toBe('harbor');
    expect(cache.strategy).toBe('path');
  });
});
