import type { BuildEvent, EngineBuildRequest } from '@deployer/contracts';
import { defaultRetryPolicy } from '@deployer/retry';
import type { StorageDriver } from '../command-line/buildah-command.js';
import { type RunOutcome, runBuildah } from '../command-line/run-buildah.js';
import type { WorkspaceLayout } from '../command-line/workspace.js';
import type { RetryPolicy } from '../failures/retry.js';
import type { BuildahEngineOptions } from './options.js';

/**
 * What the buildah commands of one build share: the request and engine options, buildah's environment,
 * the registries spoken to over plain HTTP, the workspace and the build's start (for its deadline and
 * duration).
 */
export class BuildSession {
  readonly env: Record<string, string | undefined>;
  readonly emit: (event: BuildEvent) => void;
  readonly insecure: Set<string>;
  readonly startedAt = Date.now();
  private layout!: WorkspaceLayout;

  constructor(
    readonly request: EngineBuildRequest,
    readonly options: BuildahEngineOptions,
    /** The storage driver, asked for or probed (see createBuildahEngine). */
    readonly storageDriver: StorageDriver,
  ) {
    this.env = { ...(options.env ?? process.env) };
    this.emit = request.onEvent ?? (() => {});
    const plan = request.cache;
    this.insecure = new Set([
      ...(request.insecureRegistries ?? []),
      ...(plan.insecure ? [plan.registry] : []),
    ]);
  }

  get workspace(): WorkspaceLayout {
    return this.layout;
  }

  useWorkspace(workspace: WorkspaceLayout): void {
    this.layout = workspace;
    if (workspace.authFile !== null) this.env.REGISTRY_AUTH_FILE = workspace.authFile;
  }

  get binary(): string {
    return this.options.buildahPath ?? 'buildah';
  }

  /** Runs one buildah command with the workspace's global flags, within the build's signal and deadline. */
  buildah(args: readonly string[], onLine: Parameters<typeof runBuildah>[2]['onLine']): Promise<RunOutcome> {
    const { timeoutMs, signal } = this.request;
    return runBuildah(this.binary, [...this.workspace.globalArgs, ...args], {
      env: this.env,
      ...(signal === undefined ? {} : { signal }),
      ...(timeoutMs === undefined ? {} : { deadline: this.startedAt + timeoutMs }),
      killGraceMs: this.options.killGraceMs ?? 5_000,
      onLine,
    });
  }

  retryPolicy(): RetryPolicy {
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

export function succeeded(outcome: RunOutcome): boolean {
  return outcome.exitCode === 0 && outcome.signal === null && outcome.stoppedBy === null;
}
