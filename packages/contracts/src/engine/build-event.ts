/** What a build streams while it runs (`EngineBuildRequest.onEvent`). */
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
  | { type: 'retry'; attempt: number; reason: string; withoutImports: readonly string[] }
  /**
   * Which daemon of a pool of BuildKit daemons runs this build: once when it starts, again for each
   * failover to another daemon (`tried` lists the daemons that failed it, in order).
   */
  | { type: 'daemon'; daemon: string; tried: readonly string[] };
