import { type BuildahError, createBuildahEngine } from '@deployer/buildah-runner';
import { BuildkitError, createBuildkitEngine } from '@deployer/buildkit-runner';
import type { BuildEngine, EngineFailure, RegistryPort } from '@deployer/contracts';
import { createRegistryPort } from '@deployer/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';

// The app is where the adapters meet deploy's ports: proof that what it wires fits.
describe("the adapters fit deploy's ports", () => {
  it('both engines are BuildEngines and throw EngineFailures', () => {
    expectTypeOf(createBuildkitEngine).returns.toExtend<BuildEngine>();
    expectTypeOf(createBuildahEngine).returns.toExtend<BuildEngine>();
    expectTypeOf<BuildkitError>().toExtend<EngineFailure>();
    expectTypeOf<BuildahError>().toExtend<EngineFailure>();

    const engines: BuildEngine[] = [
      createBuildkitEngine({ address: 'tcp://127.0.0.1:1234' }),
      createBuildahEngine(),
    ];
    expect(engines.map((engine) => engine.name)).toEqual(['buildkit', 'buildah']);
    const failure: EngineFailure = new BuildkitError('STEP_FAILED', 'step failed', { step: '[1/2] RUN x' });
    expect([failure.kind, failure.step]).toEqual(['user', '[1/2] RUN x']);
  });

  it("the registry client's adapter is a RegistryPort", () => {
    expectTypeOf(createRegistryPort).returns.toExtend<RegistryPort>();
    const port: RegistryPort = createRegistryPort();
    expect(typeof port.untag).toBe('function');
  });
});
