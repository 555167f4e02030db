/**
 * A platform team's code around deployer's runs, from its config module. Hooks run in deployer's own
 * process: they are the operator's code, never a pull request's. The contexts carry stable, minimal shapes
 * (a subset of deploy's build report and teardown result), so a hook needs no deployer package but this one.
 */

/** One service of a finished build as a hook sees it (deploy's `ServiceResult`, narrowed). */
export interface HookServiceResult {
  service: string;
  status: 'built' | 'skipped' | 'superseded' | 'failed';
  /** The immutable image ref (content, git or spec tag). */
  image: string;
  /** `sha256:…`; null when nothing was pushed (a failed build). */
  digest: string | null;
  cacheHitRatio: number;
  /** Why it was skipped, superseded or failed. */
  reason?: string;
}

/** A finished build as a hook sees it (deploy's `BuildReport`, narrowed). */
export interface HookBuildReport {
  buildUuid: string;
  engine: string;
  /** True when no service failed. */
  ok: boolean;
  services: HookServiceResult[];
}

/** A finished teardown as a hook sees it (deploy's `DownResult`, narrowed). */
export interface HookTeardownResult {
  buildUuid: string;
  dryRun: boolean;
  /** What was (or would be) deleted or untagged, by ref. */
  actions: { ref: string; action: string; deleted: boolean }[];
}

export interface BeforeBuildContext {
  buildUuid: string;
  /** The services the plan will build or skip, by name. */
  services: string[];
  /** The engine that will run the builds (after `auto` picked one). */
  engine: string;
}

export interface AfterBuildContext {
  buildUuid: string;
  report: HookBuildReport;
}

export interface AfterTeardownContext {
  buildUuid: string;
  result: HookTeardownResult;
}

/**
 * Each hook is awaited. Under `deployer build`/`down`, a hook that throws makes the command exit non-zero
 * (after the build or teardown itself finished); under `deployer serve` it is logged and never fails a build.
 */
export interface LifecycleHooks {
  beforeBuild?(context: BeforeBuildContext): void | Promise<void>;
  afterBuild?(context: AfterBuildContext): void | Promise<void>;
  afterTeardown?(context: AfterTeardownContext): void | Promise<void>;
}
