import { type BuildFailureKind, CodedError } from '@deployer/contracts';

export type BuildahErrorCode =
  /** A RUN step exited non-zero. */
  | 'RUN_FAILED'
  /** Any other step failed for a reason in the build's inputs (COPY of a missing file, …). */
  | 'STEP_FAILED'
  | 'DOCKERFILE_INVALID'
  /** An image named in the Dockerfile does not exist. */
  | 'IMAGE_NOT_FOUND'
  | 'SECRET_NOT_FOUND'
  /** The request asks for what this engine cannot do (several platforms, another engine's cache plan). */
  | 'UNSUPPORTED_REQUEST'
  /** The registry could not be reached (refused, reset, EOF, timeout, 5xx). */
  | 'REGISTRY_UNREACHABLE'
  /** The registry answered and refused (auth, denied, TLS/plain-HTTP mismatch). */
  | 'REGISTRY_REJECTED'
  | 'PUSH_FAILED'
  | 'CANCELLED'
  | 'TIMED_OUT'
  /** buildah died from a signal nobody here sent. */
  | 'KILLED'
  | 'BUILDAH_NOT_FOUND'
  /** buildah could not start the build container (e.g. `--isolation oci` without privileges). */
  | 'ISOLATION_FAILED'
  | 'BUILD_FAILED';

export interface BuildahErrorDetails {
  kind: BuildFailureKind;
  /** The failing step, where known. */
  step?: string;
  /** Last log lines of the failing step. */
  logTail?: readonly string[];
  /** The image or cache ref involved in a registry failure. */
  ref?: string;
  corruptCacheRefs?: readonly string[];
  buildUuid?: string | null;
  service?: string;
  /** Refs already pushed when a later push failed. */
  pushedRefs?: readonly string[];
  /** Runs of the failing build or push, the first included (see withRetry). */
  attempts?: number;
  cause?: unknown;
}

/** What the buildah engine throws; carries the fields of @deployer/contracts' `EngineFailure`. */
export class BuildahError extends CodedError<BuildahErrorCode> {
  override readonly name = 'BuildahError';
  readonly kind: BuildFailureKind;
  readonly step?: string;
  readonly logTail?: readonly string[];
  readonly ref?: string;
  readonly corruptCacheRefs?: readonly string[];
  readonly buildUuid?: string | null;
  readonly service?: string;
  readonly pushedRefs?: readonly string[];
  readonly attempts?: number;
  private readonly details: BuildahErrorDetails;

  constructor(code: BuildahErrorCode, message: string, details: BuildahErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    if (details.step !== undefined) this.step = details.step;
    if (details.logTail !== undefined) this.logTail = details.logTail;
    if (details.ref !== undefined) this.ref = details.ref;
    if (details.corruptCacheRefs !== undefined) this.corruptCacheRefs = details.corruptCacheRefs;
    if (details.buildUuid !== undefined) this.buildUuid = details.buildUuid;
    if (details.service !== undefined) this.service = details.service;
    if (details.pushedRefs !== undefined) this.pushedRefs = details.pushedRefs;
    if (details.attempts !== undefined) this.attempts = details.attempts;
    this.details = details;
  }

  /** The same failure, saying how many runs it took (deploy reports it as the service's attempts). */
  withAttempts(attempts: number): BuildahError {
    const copy = new BuildahError(this.code, this.message, { ...this.details, attempts });
    copy.stack = this.stack;
    return copy;
  }
}
