import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type BuildkitEngine,
  BuildkitError,
  createBuildkitEngine,
  type EngineBuildRequest,
} from '../src/index.js';
import type * as Port from './fixtures/deploy-engine-port.js';

describe("deploy's BuildEngine port", () => {
  it('is satisfied structurally by the engine, its errors and its events', () => {
    expectTypeOf<BuildkitEngine>().toExtend<Port.BuildEngine>();
    expectTypeOf<BuildkitError>().toExtend<Port.EngineFailure>();
    expectTypeOf<Port.EngineBuildRequest>().toExtend<EngineBuildRequest>();
    expectTypeOf<Port.BuildEvent>().toEqualTypeOf<import('../src/index.js').BuildEvent>();
    expectTypeOf<Port.EngineBuildResult>().toEqualTypeOf<import('../src/index.js').EngineBuildResult>();

    const engine: Port.BuildEngine = createBuildkitEngine({ address: 'unix:///run/buildkit/buildkitd.sock' });
    const failure: Port.EngineFailure = new BuildkitError('STEP_FAILED', 'step failed', {
      step: '[1/2] RUN x',
    });
    expect(engine.name).toBe('buildkit');
    expect([failure.kind, failure.step]).toEqual(['user', '[1/2] RUN x']);
  });
});
