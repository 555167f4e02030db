import type { BuildEngine, EngineBuildRequest, EngineBuildResult } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { loggedEngine } from '../src/index.ts';

// A scripted base engine: records what it was handed, answers with a fixed result.
function scriptedBase() {
  const seen: EngineBuildRequest[] = [];
  const engine: BuildEngine = {
    name: 'buildkit',
    async build(request) {
      seen.push(request);
      return { digest: 'sha256:abc' } as unknown as EngineBuildResult;
    },
    async argv(request) {
      seen.push(request);
      return { argv: ['buildctl', 'build'] } as never;
    },
  };
  return { engine, seen };
}

const request = {
  service: 'web',
  buildUuid: 'quiet-river-123456',
  labels: { a: '1' },
} as unknown as EngineBuildRequest;

describe('logged engine', () => {
  it('delegates to the base engine it asked the assembly for, logging and labelling each build', async () => {
    const base = scriptedBase();
    const asked: string[] = [];
    const lines: string[] = [];
    const definition = loggedEngine({
      name: 'logged-buildkit',
      base: 'buildkit',
      cacheFlavour: 'buildkit',
      log: (line) => lines.push(line),
      labels: { 'org.example.built-by': 'deployer' },
    });
    const engine = await definition.create({
      env: {},
      engine: async (name) => {
        asked.push(name);
        return base.engine;
      },
    });
    expect(asked).toEqual(['buildkit']);
    expect(await engine.build(request)).toEqual({ digest: 'sha256:abc' });
    expect(base.seen[0]?.labels).toEqual({ a: '1', 'org.example.built-by': 'deployer' });
    expect(lines).toEqual([
      'logged-buildkit: building web of quiet-river-123456 with buildkit',
      'logged-buildkit: built web',
    ]);
    expect(await engine.argv(request)).toEqual({ argv: ['buildctl', 'build'] });
    expect(definition).toMatchObject({ name: 'logged-buildkit', cacheFlavour: 'buildkit' });
    expect(definition.detect).toBeUndefined();
  });

  it("passes the base engine's failure on", async () => {
    const failing: BuildEngine = {
      name: 'buildkit',
      build: async () => {
        throw new Error('daemon gone');
      },
      argv: async () => ({ argv: [] }) as never,
    };
    const engine = await loggedEngine({
      name: 'l',
      base: 'buildkit',
      cacheFlavour: 'buildkit',
      log: () => {},
    }).create({ env: {}, engine: async () => failing });
    await expect(engine.build(request)).rejects.toThrow('daemon gone');
  });
});
