import type { CachePlan } from '@deployer/cache-ref';

/*
 * The shapes of deploy's BuildEngine port (packages/deploy/src/ports/engine.ts), copied: this package
 * satisfies the port structurally and never imports deploy. test/port.test.ts checks assignability.
 */

/** A secret reaches the build by id, from an environment variable or a file: never a literal value. */
export type SecretSource = { id: string; env: string } | { id: string; file: string };

export interface EngineBuildRequest {
  /** Present in every error so logs of concurrent builds stay attributable. */
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
  | { type: 'log'; stepId: string; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'warning'; message: string }
  | { type: 'retry'; attempt: number; reason: string; withoutImports: readonly string[] };

export interface StepTiming {
  name: string;
  cached: boolean;
  durationMs: number;
}

export interface EngineBuildResult {
  /** `sha256:…` of the pushed image (manifest or index). */
  imageDigest: string;
  /** Digest of the exported cache manifest, where the engine reports one. */
  cacheManifestDigest: string | null;
  steps: { total: number; cached: number };
  /** cached / total, 0 when there were no steps. */
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

/** What the port expects engines to throw (read by fields, never `instanceof`). */
export interface EngineFailure extends Error {
  code: string;
  kind: BuildFailureKind;
  step?: string;
  logTail?: readonly string[];
  ref?: string;
  corruptCacheRefs?: readonly string[];
}

export interface BuildEngine {
  readonly name: string;
  build(request: EngineBuildRequest): Promise<EngineBuildResult>;
}
