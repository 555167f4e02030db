import { describe, expect, it } from 'vitest';
import { createBuildkitEngine } from '../src/index.js';
import { invocations, rejection, replay, request, state, useStateDir } from './engine-support.js';
import { fixtureDir, R } from './helpers.js';

useStateDir();

describe('createBuildkitEngine with buildx', () => {
  it('reads rawjson progress from stderr and the digest from the metadata file', async () => {
    const build = request('wandering-credit-924200', ['main']);
    const result = await createBuildkitEngine({
      driver: 'buildx',
      dockerPath: replay,
      env: {
        REPLAY_FIXTURES: fixtureDir,
        REPLAY_STATE: state,
        REPLAY_CASES: '03-new-env-with-fallback',
        REPLAY_MODE: 'buildx',
      },
    }).build(build);
    expect(result).toMatchObject({
      imageDigest: 'sha256:737faf4351e8329f9d9d35d112a89ab365a9055ac1667d06dd38b1944d6fe6e0',
      steps: { total: 4, cached: 4 },
      missingCacheRefs: [`${R}/cache/shop/web/wandering-credit-924200:cache`],
    });
    const [call] = invocations();
    expect(call?.argv.slice(0, 2)).toEqual(['buildx', 'build']);
    expect(call?.argv).toContain('--progress=rawjson');
  });

  it('classifies a failure from buildx output', async () => {
    const error = await rejection(
      createBuildkitEngine({
        driver: 'buildx',
        dockerPath: replay,
        env: {
          REPLAY_FIXTURES: fixtureDir,
          REPLAY_STATE: state,
          REPLAY_CASES: '05-run-step-fails',
          REPLAY_MODE: 'buildx',
        },
      }).build(request('main', [])),
    );
    expect(error).toMatchObject({
      code: 'STEP_FAILED',
      logTail: ['about to fail', 'missing-module: not found'],
    });
  });
});
