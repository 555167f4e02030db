import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineBuildRequest } from '@deployer/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BuildkitEngineOptions, createBuildkitEngine } from '../src/index.js';
import { testBuildUuid } from './build-uuids.js';
import { fakesDir, fixtureDir, fixturePlan, R } from './helpers.js';

// `argv` is what `deployer plan` shows: it must be the argv a build then really runs, flag for flag.
const replay = join(fakesDir, 'replay-buildctl.mjs');

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'buildkit-runner-argv-'));
});
afterEach(() => {
  rmSync(state, { recursive: true, force: true });
});

function request(): EngineBuildRequest {
  return {
    buildUuid: testBuildUuid('wandering-credit-924200'),
    service: 'web',
    contextDir: join(fixtureDir, 'contexts/ok'),
    dockerfile: 'Dockerfile',
    target: 'runtime',
    buildArgs: { API_PORT: '8080' },
    secrets: [
      { id: 'npm', env: 'NPM_TOKEN' },
      { id: 'key', file: join(fixtureDir, 'contexts/ok/Dockerfile') },
    ],
    images: [`${R}/shop/web:3f2a9c1d`, `${R}/shop/web:wandering-credit-924200`],
    cache: fixturePlan('wandering-credit-924200', ['main']),
    insecureRegistries: [R],
  };
}

/** The argv the replayed buildctl/docker received, its attempt directory put back to the placeholder. */
function recordedArgv(): string[] {
  const [file] = readdirSync(state).filter((name) => name.startsWith('invocation-'));
  const { argv } = JSON.parse(readFileSync(join(state, file!), 'utf8')) as { argv: string[] };
  const attemptDir = new RegExp(`${state}/deployer-buildkit-[^/]+`, 'g');
  return argv.map((arg) => arg.replace(attemptDir, '<temp>'));
}

describe.each([
  ['buildctl', { buildctlPath: replay, address: 'tcp://127.0.0.1:1234' }, {}],
  ['buildx', { driver: 'buildx', dockerPath: replay, builder: 'ci' }, { REPLAY_MODE: 'buildx' }],
] as Array<[string, BuildkitEngineOptions, Record<string, string>]>)(
  'argv with %s',
  (driver, options, env) => {
    it('equals the argv the build runs, temp files as <temp>, secrets by reference', async () => {
      const engine = createBuildkitEngine({
        ...options,
        tempDir: state,
        env: {
          REPLAY_FIXTURES: fixtureDir,
          REPLAY_STATE: state,
          REPLAY_CASES: '03-new-env-with-fallback',
          NPM_TOKEN: 'secret-value-never-in-argv',
          ...env,
        },
      });
      const planned = await engine.argv(request());
      await engine.build(request());

      expect(planned.unresolved).toEqual([]);
      expect(planned.argv[0]).toBe(replay);
      expect(planned.argv.slice(1)).toEqual(recordedArgv());
      expect(planned.argv).toContain('id=npm,env=NPM_TOKEN');
      expect(planned.argv.join(' ')).not.toContain('secret-value-never-in-argv');
      expect(planned.argv).toContain('<temp>/metadata.json');
      if (driver === 'buildctl') expect(planned.argv).toContain('<temp>/trace.jsonl');
    });
  },
);
