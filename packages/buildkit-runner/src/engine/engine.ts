import { tmpdir } from 'node:os';
import {
  type BuildEvent,
  type EngineArgv,
  type EngineBuildRequest,
  type EngineBuildResult,
  engineTempPlaceholder,
  unavailableSecretSource,
} from '@deployer/contracts';
import { sweepDeadOwnersTempDirs, warmUpProcessRunner } from '@deployer/process';
import { RetryError, withRetry } from '@deployer/retry';
import { attemptDirKind, runAttempt } from '../attempt/attempt.js';
import { attemptArgs, attemptFiles } from '../command-line/attempt-args.js';
import { validateBuildRequest } from '../command-line/validate-request.js';
import { missingBlobDigest } from '../failures/classify.js';
import { corruptRefsToReport } from '../failures/corrupt-cache.js';
import { BuildkitError } from '../failures/errors.js';
import { cancellation } from './cancellation.js';
import { type BuildkitEngineOptions, type EngineSettings, resolveEngineOptions } from './options.js';

export interface BuildkitEngine {
  readonly name: 'buildkit';
  readonly driver: 'buildctl' | 'buildx';
  build(request: EngineBuildRequest): Promise<EngineBuildResult>;
  /** The command line a build's first attempt runs for this request; starts nothing. */
  argv(request: EngineBuildRequest): Promise<EngineArgv>;
  /**
   * Loads what starts buildctl and looks for dead runs' attempt directories (see the port's warmUp);
   * starts nothing.
   */
  warmUp(): void;
}

/**
 * A BuildEngine (@deployer/contracts' port, satisfied structurally) that runs BuildKit. Per build:
 * - transient failures (daemon unreachable, connection lost) are retried with backoff, up to
 *   `retry.attempts` runs in all;
 * - a corrupt imported cache is retried exactly once without the suspect imports (see
 *   corruptRefsToReport), which the result or error then lists in `corruptCacheRefs`;
 * - abort or timeout stops buildctl's whole process group and throws kind `cancelled`.
 * Every retry is announced with a `retry` event.
 */
export function createBuildkitEngine(options: BuildkitEngineOptions = {}): BuildkitEngine {
  const settings = resolveEngineOptions(options);
  return {
    name: 'buildkit',
    driver: settings.driver,
    build: (request) => build(settings, request),
    argv: async (request) => argv(settings, request),
    warmUp: () => {
      warmUpProcessRunner();
      // The first attempt's directory waits for this sweep: started now, it runs beside the caller's wait.
      sweepDeadOwnersTempDirs(settings.tempDir ?? tmpdir(), attemptDirKind).catch(() => {});
    },
  };
}

/**
 * The first attempt's command line, from the same composer the attempt uses; the attempt's temporary
 * directory as the placeholder. Secret sources are not checked: a plan is made before they are set up.
 */
function argv(settings: EngineSettings, request: EngineBuildRequest): EngineArgv {
  try {
    validateBuildRequest(request);
  } catch (error) {
    throw error instanceof BuildkitError
      ? error.with({ buildUuid: request.buildUuid, service: request.service })
      : error;
  }
  const args = attemptArgs(request, settings, attemptFiles(engineTempPlaceholder), []);
  return { argv: [settings.binary, ...args], unresolved: [] };
}

async function build(settings: EngineSettings, request: EngineBuildRequest): Promise<EngineBuildResult> {
  const startedAt = performance.now();
  const context = { buildUuid: request.buildUuid, service: request.service };
  try {
    validateBuildRequest(request);
    await checkSecretSources(request, settings);
  } catch (error) {
    throw error instanceof BuildkitError ? error.with(context) : error;
  }
  const emit = (event: BuildEvent) => {
    try {
      request.onEvent?.(event);
    } catch {
      // A failing listener must not fail the build it listens to.
    }
  };
  const cancel = cancellation(request.signal, request.timeoutMs, context);
  let dropped: string[] = [];
  let corruptBlob: string | null = null;
  let attempts = 0;
  /** One run of buildctl; its failure carries the runs so far and the refs to accuse. */
  const run = async (): Promise<EngineBuildResult> => {
    if (cancel.signal.aborted) throw cancel.error().with({ attempts });
    attempts += 1;
    const outcome = await runAttempt({
      request,
      settings,
      withoutImports: dropped,
      signal: cancel.signal,
      cancelled: cancel.error,
      emit,
    });
    if (outcome.ok) {
      const { progress } = outcome;
      return {
        imageDigest: outcome.imageDigest,
        cacheManifestDigest: outcome.cacheManifestDigest,
        steps: progress.steps,
        cacheHitRatio: progress.cacheHitRatio,
        stepTimings: progress.stepTimings,
        missingCacheRefs: progress.missingCacheRefs,
        corruptCacheRefs: corruptRefsToReport(dropped, request.cache, outcome),
        attempts,
        durationMs: Math.round(performance.now() - startedAt),
      };
    }
    const { error } = outcome;
    // The same blob missing without the imports: the cache was not the cause, so accuse no ref.
    const cacheInnocent = corruptBlob !== null && error.message.includes(corruptBlob);
    const corruptCacheRefs = dropped.length > 0 && !cacheInnocent ? dropped : error.corruptCacheRefs;
    throw error.with({ attempts, ...(corruptCacheRefs === undefined ? {} : { corruptCacheRefs }) });
  };
  /** A corrupt imported cache gets exactly one more run without the suspect imports, outside the budget. */
  const runHealingCorruptCache = async (): Promise<EngineBuildResult> => {
    try {
      return await run();
    } catch (error) {
      const suspects = error instanceof BuildkitError ? (error.corruptCacheRefs ?? []) : [];
      if (!(error instanceof BuildkitError && error.kind === 'corrupt-cache' && dropped.length === 0))
        throw error;
      if (suspects.length === 0) throw error;
      dropped = [...suspects];
      corruptBlob = missingBlobDigest(error.message);
      emit({ type: 'retry', attempt: attempts + 1, reason: error.message, withoutImports: dropped });
      return await run();
    }
  };
  try {
    // Transient failures (daemon unreachable, connection lost) take `retry.attempts` runs in all.
    const { value } = await withRetry(runHealingCorruptCache, {
      ...settings.retry,
      signal: cancel.signal,
      shouldRetry: (error) => error instanceof BuildkitError && error.kind === 'transient',
      onRetry: ({ error }) =>
        emit({
          type: 'retry',
          attempt: attempts + 1,
          reason: (error as Error).message,
          withoutImports: dropped,
        }),
    });
    return value;
  } catch (error) {
    if (error instanceof RetryError && error.code === 'ABORTED') throw cancel.error().with({ attempts });
    throw error;
  } finally {
    cancel.dispose();
  }
}

/**
 * A secret whose variable is unset or whose file is not readable fails here, naming the id, never a value
 * (the rule is @deployer/contracts' `unavailableSecretSource`). buildctl gets this process's environment
 * with `settings.env` on top, so that is where a variable is looked up.
 */
async function checkSecretSources(request: EngineBuildRequest, settings: EngineSettings): Promise<void> {
  const unavailable = await unavailableSecretSource(request.secrets ?? [], {
    ...process.env,
    ...settings.env,
  });
  if (unavailable !== null) throw new BuildkitError('INVALID_REQUEST', unavailable.reason);
}
