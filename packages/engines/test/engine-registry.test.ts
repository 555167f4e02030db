import type { BuildEngine, EngineDefinition } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { assembleEngines, EngineSettingsError, EngineUnavailableError } from '../src/index.js';

// A config module's engines register beside the built-in ones: the same lookup by name, `auto` after the
// built-ins, their own cache flavour, and a clash or a bad name refused before anything starts.
const scriptedEngine = (name: string): BuildEngine =>
  ({
    name: 'buildkit',
    build: async () => {
      throw new Error(`${name} builds nothing in this test`);
    },
    argv: async () => ({ argv: [name] }),
  }) as unknown as BuildEngine;

function definition(
  name: string,
  extra: Partial<EngineDefinition> = {},
): EngineDefinition & { created: number } {
  const made = {
    name,
    cacheFlavour: 'buildah' as const,
    created: 0,
    async create() {
      made.created++;
      return scriptedEngine(name);
    },
    ...extra,
  };
  return made;
}

// No daemon named and no docker or buildah on PATH: `auto` finds no built-in engine.
const bare = { PATH: '/nonexistent' };

describe('engine registry', () => {
  it('takes a plugin engine by name, creates it once, with its own cache flavour', async () => {
    const plugin = definition('kaniko');
    const engines = await assembleEngines({ env: bare, engines: [plugin] });
    expect(engines.choices).toEqual(['auto', 'buildkit', 'buildx', 'buildah', 'kaniko']);
    expect(await engines.select('kaniko')).toEqual({
      engine: 'kaniko',
      reason: 'engine kaniko was asked for',
    });
    const [first, second] = await Promise.all([engines.engine('kaniko'), engines.engine('kaniko')]);
    expect(first.engine).toBe(second.engine);
    expect(first).toMatchObject({ name: 'kaniko', cacheFlavour: 'buildah' });
    expect(plugin.created).toBe(1);
    expect(engines.cacheFlavourOf('kaniko')).toBe('buildah');
    expect(engines.cacheFlavourOf('buildx')).toBe('buildkit');
  });

  it('gives a wrapping engine the shared built-in engine, never itself', async () => {
    const wrapping = definition('logged-buildkit', {
      cacheFlavour: 'buildkit',
      create: async (context) => context.engine('buildkit'),
    });
    const engines = await assembleEngines({
      env: { BUILDKIT_HOST: 'unix:///run/b.sock' },
      engines: [wrapping],
    });
    const [wrapped, builtin] = await Promise.all([
      engines.engine('logged-buildkit'),
      engines.engine('buildkit'),
    ]);
    expect(wrapped.engine).toBe(builtin.engine);
    expect(wrapped.cacheFlavour).toBe('buildkit');
    const selfish = definition('selfish', { create: async (context) => context.engine('selfish') });
    const refusing = await assembleEngines({ env: bare, engines: [selfish] });
    await expect(refusing.engine('selfish')).rejects.toThrow('engine selfish cannot wrap itself');
  });

  // A loop of wrappings would wait on itself forever: whichever creation closes it is refused, naming the
  // chain, and every engine in it fails instead of hanging (the short timeout catches a hang).
  const wrapper = (name: string, wrapped: string) =>
    definition(name, { create: async (context) => context.engine(wrapped) });

  it.each([
    [['a', 'b'], 'a → b → a'],
    [['a', 'b', 'c'], 'a → b → c → a'],
  ])(
    'refuses engines wrapping each other in a loop: %j',
    async (names, chain) => {
      const loop = names.map((name, index) => wrapper(name, names[(index + 1) % names.length] as string));
      const engines = await assembleEngines({ env: bare, engines: loop });
      const error = await engines.engine('a').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EngineSettingsError);
      expect((error as Error).message).toBe(`engines wrap each other in a loop: ${chain}`);
      expect((error as EngineSettingsError).kind).toBe('input');
      // Asked for at once, from two jobs: both fail, neither waits on the other forever.
      const both = await Promise.allSettled([engines.engine('b'), engines.engine('a')]);
      expect(both.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(String((both[0] as PromiseRejectedResult).reason)).toMatch(/wrap each other in a loop: /);
    },
    2000,
  );

  it('lets a chain of wrappings without a loop share one engine', async () => {
    const engines = await assembleEngines({
      env: bare,
      engines: [wrapper('outer', 'middle'), wrapper('middle', 'kaniko'), definition('kaniko')],
    });
    const [outer, kaniko] = await Promise.all([engines.engine('outer'), engines.engine('kaniko')]);
    expect(outer.engine).toBe(kaniko.engine);
  });

  it("asks a plugin's detect for auto after the built-ins, and a daemon still wins", async () => {
    const plugin = definition('kaniko', {
      detect: async ({ env }) => (env.KANIKO ? 'KANIKO is set' : undefined),
    });
    const engines = await assembleEngines({ env: { ...bare, KANIKO: '1' }, engines: [plugin] });
    expect(await engines.select('auto')).toEqual({ engine: 'kaniko', reason: 'KANIKO is set' });
    const withDaemon = await assembleEngines({
      env: { ...bare, KANIKO: '1', BUILDKIT_HOST: 'unix:///run/b.sock' },
      engines: [plugin],
    });
    expect((await withDaemon.select('auto')).engine).toBe('buildkit');
  });

  it("names the config's engines when auto finds nothing", async () => {
    const engines = await assembleEngines({ env: bare, engines: [definition('kaniko')] });
    const error = await engines.select('auto').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toMatch(/the config's engines \(kaniko\) found none/);
  });

  it('refuses a name nobody registered, naming where it came from and every choice', async () => {
    const engines = await assembleEngines({ env: bare, engines: [definition('kaniko')] });
    expect(() => engines.checkChoice('docker', 'DEPLOYER_ENGINE')).toThrow(
      'DEPLOYER_ENGINE must be one of auto, buildkit, buildx, buildah, kaniko (got "docker")',
    );
    const error = await engines.engine('docker').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineSettingsError);
    expect((error as EngineSettingsError).kind).toBe('input');
  });

  it.each([
    [
      [definition('buildkit')],
      /engine "buildkit" is registered twice: by the built-in engine buildkit and by the config's engines\[0\]/,
    ],
    [
      [definition('a'), definition('a')],
      /engine "a" is registered twice: by the config's engines\[0\] and by the config's engines\[1\]/,
    ],
    [[definition('auto')], /engines\[0\]: engine name "auto" must be/],
    [[definition('Kaniko')], /engines\[0\]: engine name "Kaniko" must be lower-case/],
  ])('refuses a clash or a bad name: %#', async (engines, message) => {
    const error = await assembleEngines({ env: bare, engines }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineSettingsError);
    expect((error as Error).message).toMatch(message);
  });
});
