import type { CachePlan } from '@deployer/cache-ref';

/*
 * What every build engine takes and gives back: a build request carrying a cache plan, the events it
 * streams, the result, the fields of its failures, and the command line it would run. The BuildEngine port
 * (build-engine.ts) is built from them; deploy asks for it, and @deployer/buildkit-runner and
 * @deployer/buildah-runner implement it, so the three agree by construction without importing each other.
 */

/** A secret reaches the build by id, from an environment variable or a file: never a literal value. */
export type SecretSource = { id: string; env: string } | { id: string; file: string };

export interface EngineBuildRequest {
  /** Present in every event and error so logs of concurrent builds stay attributable. */
  buildUuid: string | null;
  service: string;
  contextDir: string;
  /** Path of the Dockerfile (absolute, or relative to contextDir). */
  dockerfile: string;
  target?: string;
  buildArgs?: Readonly<Record<string, string>>;
  secrets?: readonly SecretSource[];
  labels?: Readonly<Record<string, string>>;
  platforms?: readonly string[];
  /** Full image refs to push, e.g. `registry/shop/web:3f2a…`. */
  images: readonly string[];
  cache: CachePlan;
  /** Registries reached over plain HTTP (host[:port]). */
  insecureRegistries?: readonly string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
}

export type BuildEvent =
  | { type: 'step-started'; stepId: string; name: string; index: number; total: number | null }
  | { type: 'step-cached'; stepId: string; name: string }
  | { type: 'step-completed'; stepId: string; name: string; cached: boolean; durationMs: number }
  | { type: 'step-errored'; stepId: string; name: string; error: string }
  /**
   * A step this build needed but did not run: another build on the same daemon ran (or imported) the
   * identical step at the same time and this build took its result. Reported once the build succeeded.
   */
  | { type: 'step-shared'; stepId: string; name: string }
  /** An imported cache ref that could not be read (a new environment's own ref): a miss, not a failure. */
  | { type: 'cache-miss'; ref: string; reason: string }
  | { type: 'log'; stepId: string; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'warning'; message: string }
  | { type: 'retry'; attempt: number; reason: string; withoutImports: readonly string[] };

/**
 * The command line an engine would run for a request, composed by the very function its build uses, so
 * `plan` shows what `build` runs. Secrets appear by reference (`id=…,env=VAR` / `src=FILE`), never by value.
 */
export interface EngineArgv {
  /**
   * The program, then its arguments. A file a real run creates in a fresh temporary directory appears
   * under the placeholder directory `<temp>` (cache-ref's `engineTempPlaceholder`); a value only the
   * registry can settle appears as `<unresolved: …>` (see `unresolved`).
   */
  argv: string[];
  /** Values of argv that could not be settled now, e.g. buildah's one `--cache-from` with the registry down. */
  unresolved: EngineArgvUnresolved[];
}

export interface EngineArgvUnresolved {
  /** The flag whose value is open, e.g. `--cache-from`. */
  flag: string;
  /** What the engine would choose among, in its order of preference. */
  candidates: string[];
  /** Why it is open, e.g. which registry could not be asked. */
  reason: string;
}

export interface StepTiming {
  name: string;
  /** Taken from an imported cache (or this daemon's local cache). */
  cached: boolean;
  /** Run by another, concurrent build of the same step on the same daemon (see `step-shared`). */
  shared: boolean;
  durationMs: number;
}

/**
 * Counted build steps. `cached` and `shared` are disjoint parts of `total`; the rest this build ran
 * itself.
 */
export interface StepCounts {
  total: number;
  cached: number;
  shared: number;
}

export interface EngineBuildResult {
  /** `sha256:…` of the pushed image (manifest or index). */
  imageDigest: string;
  /** Digest of the exported cache manifest, where the engine reports one. */
  cacheManifestDigest: string | null;
  steps: StepCounts;
  /**
   * cached / (total - shared): of the steps this build resolved itself, the share its cache supplied.
   * A shared step was neither built nor imported by this build, so it counts on neither side; 0 when no
   * step was resolved by this build. cache-ref's cacheHitRatio() computes it.
   */
  cacheHitRatio: number;
  stepTimings: StepTiming[];
  /** Imported refs that did not exist: cache misses, not failures. */
  missingCacheRefs: string[];
  /** Imported refs found corrupt; the build succeeded by retrying without them. The caller deletes them. */
  corruptCacheRefs: string[];
  attempts: number;
  durationMs: number;
}

export type BuildFailureKind = 'user' | 'transient' | 'corrupt-cache' | 'registry' | 'cancelled' | 'internal';

/**
 * What engines throw. Adapters throw their own error classes carrying these fields; deploy reads the
 * fields (never `instanceof`), so the engine packages need not import deploy.
 */
export interface EngineFailure extends Error {
  code: string;
  kind: BuildFailureKind;
  /** The failing step, where known. */
  step?: string;
  /** Last log lines of the failing step, for user errors. */
  logTail?: readonly string[];
  /** The ref involved in a registry or corrupt-cache failure. */
  ref?: string;
  corruptCacheRefs?: readonly string[];
  /** Engine runs made before giving up, retries included, where the engine counts them. */
  attempts?: number;
}
