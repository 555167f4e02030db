import {
  cacheHitRatio,
  type EngineArgv,
  type EngineBuildRequest,
  type EngineBuildResult,
  engineTempPlaceholder,
} from '@deployer/contracts';
import { warmUpProcessRunner } from '@deployer/process';
import { chooseCacheSource, plannedCacheSource } from '../cache-source/choose.js';
import type { StorageDriver } from '../command-line/buildah-command.js';
import { createWorkspace, workspaceLayout } from '../command-line/workspace.js';
import { retryTransient } from '../failures/retry.js';
import { seedOwnCache } from '../own-cache/seed-own-cache.js';
import { machineBuildahDir } from '../storage/machine-storage.js';
import { probeStorageDriver } from '../storage/storage-driver.js';
import { buildArgs, buildOnce } from './build-once.js';
import { BuildSession } from './build-session.js';
import type { BuildahEngineOptions } from './options.js';
import { probeCacheSources } from './probe-cache-sources.js';
import { pushImages } from './push.js';
import { validateRequest } from './validate.js';

export interface BuildahEngine {
  readonly name: 'buildah';
  build(request: EngineBuildRequest): Promise<EngineBuildResult>;
  /** The `buildah build` command line a build runs for this request; asks the registry, builds nothing. */
  argv(request: EngineBuildRequest): Promise<EngineArgv>;
  /** Loads what starts buildah (see the port's warmUp); starts nothing. */
  warmUp(): void;
}

/** The build engine port over `buildah build` and `buildah push`: daemonless, no privileges needed. */
export function createBuildahEngine(options: BuildahEngineOptions = {}): BuildahEngine {
  let probed: Promise<StorageDriver> | undefined;
  // overlay when it works on this machine, else vfs: probed once per machine, asked once per engine.
  const storageDriver = (): Promise<StorageDriver> => {
    if (options.storageDriver !== undefined) return Promise.resolve(options.storageDriver);
    const env = options.env ?? process.env;
    probed ??= probeStorageDriver({
      dir: machineBuildahDir(env),
      env,
      ...(options.buildahPath !== undefined && { buildahPath: options.buildahPath }),
    }).then((choice) => choice.driver);
    return probed;
  };
  return {
    name: 'buildah',
    build: async (request) => build(new BuildSession(request, options, await storageDriver())),
    argv: async (request) => plannedArgv(new BuildSession(request, options, await storageDriver())),
    warmUp: warmUpProcessRunner,
  };
}

/** One build in its own workspace: choose the cache source, build, push every image, complete the own cache. */
async function build(session: BuildSession): Promise<EngineBuildResult> {
  await validateRequest(session.request, session.env);
  const workspace = await createWorkspace(session.options, session.storageDriver, [...session.insecure]);
  session.useWorkspace(workspace);
  try {
    return await buildAndPush(session);
  } finally {
    await workspace.dispose();
  }
}

/**
 * What `build` would start as `buildah build`, composed by the same `buildArgs`, its cache source probed
 * the same way; the build's temporary directory as the placeholder. Secret sources are not checked:
 * a plan is made before they are set up.
 */
async function plannedArgv(session: BuildSession): Promise<EngineArgv> {
  session.useWorkspace(
    workspaceLayout(engineTempPlaceholder, session.options, session.storageDriver, [...session.insecure]),
  );
  const source = plannedCacheSource(session.request.cache.imports, await probeCacheSources(session));
  return {
    argv: [session.binary, ...session.workspace.globalArgs, ...buildArgs(session, source.cacheFrom)],
    unresolved: source.unresolved,
  };
}

async function buildAndPush(session: BuildSession): Promise<EngineBuildResult> {
  const plan = session.request.cache;
  const choice = chooseCacheSource(plan.imports, await probeCacheSources(session));
  const built = await retryTransient(() => buildOnce(session, choice.cacheFrom), session.retryPolicy());
  const imageDigest = await pushImages(session, built.value.imageId);
  const seeding =
    plan.export === null
      ? undefined
      : await seedOwnCache(session, built.value.summary.pulledCache, plan.export);

  const counted = built.value.summary.steps.filter((step) => step.counted);
  // buildah builds alone: no step is ever taken from a concurrent build, so none is shared.
  const steps = { total: counted.length, cached: counted.filter((step) => step.cached).length, shared: 0 };
  return {
    imageDigest,
    // buildah stores cache as one image per layer, not one cache manifest.
    cacheManifestDigest: null,
    steps,
    cacheHitRatio: cacheHitRatio(steps),
    stepTimings: counted.map((step) => ({
      name: step.name,
      cached: step.cached,
      shared: false,
      durationMs: step.durationMs ?? 0,
    })),
    missingCacheRefs: choice.missing.map((endpoint) => endpoint.ref),
    // A cache image buildah cannot pull is a silent miss in 1.28: nothing to report.
    corruptCacheRefs: [],
    attempts: built.attempts,
    durationMs: Date.now() - session.startedAt,
    ...(seeding && { seeding }),
  };
}
