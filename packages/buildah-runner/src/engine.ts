import { readFile, rm } from 'node:fs/promises';
import {
  type CacheEndpoint,
  cacheHitRatio,
  engineTempPlaceholder,
  parseImageReference,
} from '@deployer/cache-ref';
import type { BuildEvent, EngineArgv, EngineBuildRequest, EngineBuildResult } from '@deployer/contracts';
import { defaultRetryPolicy } from '@deployer/retry';
import { buildahBuildArgs, buildahPushArgs } from './args.js';
import {
  chooseCacheSource,
  plannedCacheSource,
  probeImports,
  skopeoRepositoryProbe,
} from './cache-source.js';
import { classifyFailure } from './classify.js';
import { BuildahError } from './errors.js';
import type { BuildahEngineOptions } from './options.js';
import { BuildahOutputParser, type BuildahOutputSummary, type CacheImageRef } from './output-parser.js';
import { type RunOutcome, runBuildah } from './process.js';
import { type RetryPolicy, retryTransient } from './retry.js';
import { validateRequest } from './validate.js';
import { createWorkspace, type WorkspaceLayout, workspaceLayout } from './workspace.js';

export interface BuildahEngine {
  readonly name: 'buildah';
  build(request: EngineBuildRequest): Promise<EngineBuildResult>;
  /** The `buildah build` command line a build runs for this request; asks the registry, builds nothing. */
  argv(request: EngineBuildRequest): Promise<EngineArgv>;
}

/** The build engine port over `buildah build` and `buildah push`: daemonless, no privileges needed. */
export function createBuildahEngine(options: BuildahEngineOptions = {}): BuildahEngine {
  return {
    name: 'buildah',
    build: (request) => new BuildahBuild(request, options).run(),
    argv: (request) => new BuildahBuild(request, options).argv(),
  };
}

/** One build: choose the cache source, build, push every image, then complete the own cache. */
class BuildahBuild {
  private readonly env: Record<string, string | undefined>;
  private readonly emit: (event: BuildEvent) => void;
  private readonly insecure: Set<string>;
  private readonly startedAt = Date.now();
  private workspace!: WorkspaceLayout;

  constructor(
    private readonly request: EngineBuildRequest,
    private readonly options: BuildahEngineOptions,
  ) {
    this.env = { ...(options.env ?? process.env) };
    this.emit = request.onEvent ?? (() => {});
    const plan = request.cache;
    this.insecure = new Set([
      ...(request.insecureRegistries ?? []),
      ...(plan.insecure ? [plan.registry] : []),
    ]);
  }

  async run(): Promise<EngineBuildResult> {
    await validateRequest(this.request, this.env);
    const workspace = await createWorkspace(this.options, [...this.insecure]);
    this.useWorkspace(workspace);
    try {
      return await this.buildAndPush();
    } finally {
      await workspace.dispose();
    }
  }

  /**
   * What `run` would start as `buildah build`, composed by the same `buildArgs`, its cache source probed
   * the same way; the build's temporary directory as the placeholder. Secret sources are not checked:
   * a plan is made before they are set up.
   */
  async argv(): Promise<EngineArgv> {
    this.useWorkspace(workspaceLayout(engineTempPlaceholder, this.options, [...this.insecure]));
    const source = plannedCacheSource(this.request.cache.imports, await this.probeCacheSources());
    return {
      argv: [this.binary, ...this.workspace.globalArgs, ...this.buildArgs(source.cacheFrom)],
      unresolved: source.unresolved,
    };
  }

  private useWorkspace(workspace: WorkspaceLayout): void {
    this.workspace = workspace;
    if (workspace.authFile !== null) this.env.REGISTRY_AUTH_FILE = workspace.authFile;
  }

  private get binary(): string {
    return this.options.buildahPath ?? 'buildah';
  }

  private probeCacheSources(): Promise<Map<string, boolean | null>> {
    const plan = this.request.cache;
    const probe =
      this.options.repositoryExists ?? skopeoRepositoryProbe(this.options.skopeoPath ?? 'skopeo', this.env);
    return probeImports(plan.imports, probe, {
      insecure: this.insecure.has(plan.registry),
      authFile: this.workspace.authFile,
      ...(this.request.signal ? { signal: this.request.signal } : {}),
    });
  }

  private async buildAndPush(): Promise<EngineBuildResult> {
    const plan = this.request.cache;
    const choice = chooseCacheSource(plan.imports, await this.probeCacheSources());
    const built = await retryTransient(() => this.buildOnce(choice.cacheFrom), this.retryPolicy());
    const imageDigest = await this.pushImages(built.value.imageId);
    if (plan.export !== null) await this.completeOwnCache(built.value.summary.pulledCache, plan.export);

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
      durationMs: Date.now() - this.startedAt,
    };
  }

  private async buildOnce(
    cacheFrom: CacheEndpoint | null,
  ): Promise<{ summary: BuildahOutputSummary; imageId: string }> {
    await rm(this.workspace.iidFile, { force: true });
    const parser = new BuildahOutputParser({ onEvent: this.emit });
    const args = this.buildArgs(cacheFrom?.repository ?? null);
    const outcome = await this.buildah(args, (stream, line) => parser.line(stream, line));
    if (succeeded(outcome)) {
      const summary = parser.finish(null);
      const imageId = (await readFile(this.workspace.iidFile, 'utf8')).trim();
      return { summary, imageId };
    }
    const step = parser.currentStep;
    const error = classifyFailure({
      phase: 'build',
      errorMessage: parser.lastError,
      ...outcome,
      step: step?.name ?? null,
      logTail: step?.logTail ?? [],
      buildUuid: this.request.buildUuid,
      service: this.request.service,
    });
    parser.finish(error.message);
    throw error;
  }

  /** `buildah build`'s arguments after the global flags: the one composer for `buildOnce` and `argv`. */
  private buildArgs(cacheFrom: string | null): string[] {
    return buildahBuildArgs(this.request, {
      isolation: this.options.isolation ?? 'chroot',
      cacheFrom,
      cacheTo: this.request.cache.export?.repository ?? null,
      iidFile: this.workspace.iidFile,
      authFile: this.workspace.authFile,
      ...(this.options.registryRetryDelayMs === undefined
        ? {}
        : { retryDelayMs: this.options.registryRetryDelayMs }),
      ...(this.options.jobs === undefined ? {} : { jobs: this.options.jobs }),
    });
  }

  /**
   * Pushes the built image to each name, one after another, only after the build succeeded: a failed
   * build pushes no tag, and a failed push names its ref and the refs already pushed.
   */
  private async pushImages(imageId: string): Promise<string> {
    const pushed: string[] = [];
    let imageDigest: string | null = null;
    for (const [index, ref] of this.request.images.entries()) {
      const digestFile = this.workspace.digestFile(index);
      const registry = parseImageReference(ref).registry;
      await retryTransient(
        () => this.push(imageId, ref, digestFile, this.insecure.has(registry), pushed),
        this.retryPolicy(),
      );
      imageDigest ??= (await readFile(digestFile, 'utf8')).trim();
      pushed.push(ref);
    }
    return imageDigest!;
  }

  /**
   * Layers buildah pulled from another environment's cache are not pushed to `--cache-to`, so the own
   * repository would lack them and its next build (which reads only its own cache, see
   * chooseCacheSource) would miss. Copying them over keeps the own cache complete. A failure here costs
   * cache hits later, not this build: it becomes a warning.
   */
  private async completeOwnCache(pulled: readonly CacheImageRef[], own: CacheEndpoint): Promise<void> {
    const foreign = pulled.filter((image) => image.repository !== own.repository);
    for (const image of foreign) {
      const source = `${image.repository}:${image.tag}`;
      const destination = `${own.repository}:${image.tag}`;
      try {
        await this.push(source, destination, null, this.insecure.has(this.request.cache.registry), []);
      } catch (error) {
        if (error instanceof BuildahError && error.kind === 'cancelled') throw error;
        this.emit({
          type: 'warning',
          message: `could not copy cache ${source} to ${destination}: ${(error as Error).message}`,
        });
      }
    }
  }

  private async push(
    image: string,
    ref: string,
    digestFile: string | null,
    insecure: boolean,
    pushedRefs: readonly string[],
  ): Promise<void> {
    const args = buildahPushArgs({
      image,
      ref,
      digestFile,
      insecure,
      authFile: this.workspace.authFile,
      ...(this.options.registryRetryDelayMs === undefined
        ? {}
        : { retryDelayMs: this.options.registryRetryDelayMs }),
    });
    const tail: string[] = [];
    let errorMessage: string | null = null;
    const outcome = await this.buildah(args, (stream, line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      // The registry's own reason follows on the lines after `Error: … errors:`: keep them.
      if (line.startsWith('Error: ')) errorMessage = line.slice('Error: '.length);
      else if (errorMessage !== null && line.trim() !== '') errorMessage = `${errorMessage} ${line.trim()}`;
      this.emit({ type: 'log', stepId: 'push', stream, line });
    });
    if (succeeded(outcome)) return;
    throw classifyFailure({
      phase: 'push',
      errorMessage,
      ...outcome,
      step: null,
      logTail: tail,
      ref,
      pushedRefs: [...pushedRefs],
      buildUuid: this.request.buildUuid,
      service: this.request.service,
    });
  }

  private buildah(
    args: readonly string[],
    onLine: Parameters<typeof runBuildah>[2]['onLine'],
  ): Promise<RunOutcome> {
    const { timeoutMs, signal } = this.request;
    return runBuildah(this.binary, [...this.workspace.globalArgs, ...args], {
      env: this.env,
      ...(signal === undefined ? {} : { signal }),
      ...(timeoutMs === undefined ? {} : { deadline: this.startedAt + timeoutMs }),
      killGraceMs: this.options.killGraceMs ?? 5_000,
      onLine,
    });
  }

  private retryPolicy(): RetryPolicy {
    return {
      attempts: this.options.retry?.attempts ?? defaultRetryPolicy.attempts,
      baseDelayMs: this.options.retry?.baseDelayMs ?? defaultRetryPolicy.baseDelayMs,
      maxDelayMs: this.options.retry?.maxDelayMs ?? defaultRetryPolicy.maxDelayMs,
      ...(this.request.signal === undefined ? {} : { signal: this.request.signal }),
      onRetry: (attempt, error) =>
        this.emit({ type: 'retry', attempt, reason: `${error.code}: ${error.message}`, withoutImports: [] }),
    };
  }
}

function succeeded(outcome: RunOutcome): boolean {
  return outcome.exitCode === 0 && outcome.signal === null && outcome.stoppedBy === null;
}
