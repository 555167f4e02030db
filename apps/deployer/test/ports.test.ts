import { type BuildahError, createBuildahEngine } from '@deployer/buildah-runner';
import { BuildkitError, createBuildkitEngine } from '@deployer/buildkit-runner';
import type {
  BuildEngine,
  CacheRegistry,
  EngineFailure,
  ImageRegistry,
  LeaseRegistry,
  RegistryPort,
} from '@deployer/contracts';
import type {
  BuildEnvironmentOptions,
  CacheInventoryOptions,
  DownOptions,
  GcOptions,
  PlanOptions,
  RunExportGcOptions,
} from '@deployer/deploy';
import { createRegistryPort } from '@deployer/registry-cache';
import { describe, expect, expectTypeOf, it } from 'vitest';

// Every operation of each port, checked exhaustive by the compiler, so the adapters' objects are checked at
// run time as well as their declared types.
const engineOperations = { build: true, argv: true, warmUp: true } satisfies Record<
  Exclude<keyof BuildEngine, 'name'>,
  true
>;
const portOperations = {
  images: {
    imageDigest: true,
    imageCreatedAt: true,
    tagImage: true,
    untag: true,
    deleteTag: true,
    listTags: true,
    listTagDigests: true,
    removeImageTags: true,
  },
  caches: {
    listCacheRefs: true,
    inspectCacheRef: true,
    removeCacheRefs: true,
    deleteRepositoryTags: true,
    runExportManifest: true,
    promoteCache: true,
    listRunExports: true,
    seedCacheRef: true,
  },
  leases: { claimLease: true, leaseHolder: true, releaseLease: true, listLeases: true },
} satisfies {
  images: Record<keyof ImageRegistry, true>;
  caches: Record<keyof CacheRegistry, true>;
  leases: Record<keyof LeaseRegistry, true>;
};

// The app is where the adapters meet the contracts' ports: proof that what it wires fits.
describe('the adapters fit the ports of @deployer/contracts', () => {
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
    for (const engine of engines) {
      for (const operation of Object.keys(engineOperations) as (keyof typeof engineOperations)[]) {
        expect(typeof engine[operation], `${engine.name}.${operation}`).toBe('function');
      }
    }
    const failure: EngineFailure = new BuildkitError('STEP_FAILED', 'step failed', { step: '[1/2] RUN x' });
    expect([failure.kind, failure.step]).toEqual(['user', '[1/2] RUN x']);
  });

  it("the registry client's adapter is every registry port", () => {
    expectTypeOf(createRegistryPort).returns.toExtend<ImageRegistry>();
    expectTypeOf(createRegistryPort).returns.toExtend<CacheRegistry>();
    expectTypeOf(createRegistryPort).returns.toExtend<LeaseRegistry>();
    expectTypeOf(createRegistryPort).returns.toExtend<RegistryPort>();

    const port: RegistryPort = createRegistryPort();
    for (const [concern, operations] of Object.entries(portOperations)) {
      for (const operation of Object.keys(operations)) {
        expect(typeof port[operation as keyof RegistryPort], `${concern}: ${operation}`).toBe('function');
      }
    }
  });

  it("the adapter fits what each of deploy's operations asks for", () => {
    const adapter = expectTypeOf(createRegistryPort).returns;
    adapter.toExtend<NonNullable<PlanOptions['registry']>>();
    adapter.toExtend<NonNullable<BuildEnvironmentOptions['registry']>>();
    adapter.toExtend<CacheInventoryOptions['registry']>();
    adapter.toExtend<DownOptions['registry']>();
    adapter.toExtend<GcOptions['registry']>();
    adapter.toExtend<RunExportGcOptions['registry']>();
  });
});
