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
  /** The daemon of a pool the last attempt ran on, and every daemon tried in order (a BuildKit pool). */
  daemon?: string;
  daemonsTried?: readonly string[];
}
