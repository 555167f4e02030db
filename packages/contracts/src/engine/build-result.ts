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

/**
 * How the environment's own cache was seeded from what a fallback-warmed build reused: `mounted` when the
 * reused cache was placed in the own cache ref by registry-side cross-repository mounts, `none` when
 * nothing was placed (nothing came from a fallback, or it failed); `reason` says which.
 */
export interface CacheSeeding {
  status: 'mounted' | 'none';
  reason: string;
  /** The fallback ref seeded from (or whose seeding failed); null when none was tried. */
  from?: string | null;
  /** Distinct blobs (and their bytes) linked in; where the seeding counted them. */
  blobs?: number;
  bytes?: number;
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
   * step was resolved by this build. `cacheHitRatio()` (cache-hit-ratio.ts) computes it.
   */
  cacheHitRatio: number;
  stepTimings: StepTiming[];
  /** Imported refs that did not exist: cache misses, not failures. */
  missingCacheRefs: string[];
  /** Imported refs found corrupt; the build succeeded by retrying without them. The caller deletes them. */
  corruptCacheRefs: string[];
  attempts: number;
  durationMs: number;
  /** The daemon that built it, where the engine routes builds to one of several (a BuildKit pool). */
  daemon?: string;
  /** Every daemon the build was sent to, in order, the one that built it last. */
  daemonsTried?: string[];
  /** How the own cache was seeded after the build, where the engine does it (buildah). */
  seeding?: CacheSeeding;
}
