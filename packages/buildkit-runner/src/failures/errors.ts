import { type BuildFailureKind, CodedError } from '@deployer/contracts';

/** Every code this package throws, with the failure kind deploy acts on. */
const kinds = {
  INVALID_ADDRESS: 'internal',
  INVALID_OPTIONS: 'internal',
  INVALID_REQUEST: 'user',
  DOCKERFILE_ERROR: 'user',
  STEP_FAILED: 'user',
  DAEMON_UNREACHABLE: 'transient',
  CONNECTION_LOST: 'transient',
  REGISTRY_UNAVAILABLE: 'transient',
  MANIFEST_REFUSED: 'transient',
  CORRUPT_CACHE: 'corrupt-cache',
  PUSH_FAILED: 'registry',
  PULL_FAILED: 'registry',
  REGISTRY_UNREACHABLE: 'registry',
  REGISTRY_AUTH: 'registry',
  CANCELLED: 'cancelled',
  TIMEOUT: 'cancelled',
  SPAWN_FAILED: 'internal',
  NO_IMAGE_DIGEST: 'internal',
  BUILD_FAILED: 'internal',
} as const satisfies Record<string, BuildFailureKind>;

export type BuildkitErrorCode = keyof typeof kinds;

export interface BuildkitErrorDetails {
  buildUuid?: string | null;
  service?: string;
  /** The failing step (vertex name), where known. */
  step?: string;
  /** Last log lines of the failing step, or of buildctl's own output. */
  logTail?: readonly string[];
  /** The image or cache ref involved. */
  ref?: string;
  /** Imported cache refs found corrupt: the caller should delete them. */
  corruptCacheRefs?: readonly string[];
  exitCode?: number;
  attempts?: number;
  cause?: unknown;
}

/** Every failure of a build: `code` and `kind` for programs, the other fields for people. */
export class BuildkitError extends CodedError<BuildkitErrorCode> {
  override readonly name = 'BuildkitError';
  readonly kind: BuildFailureKind;
  readonly buildUuid: string | null;
  readonly service: string | undefined;
  readonly step: string | undefined;
  readonly logTail: readonly string[] | undefined;
  readonly ref: string | undefined;
  readonly corruptCacheRefs: readonly string[] | undefined;
  readonly exitCode: number | undefined;
  readonly attempts: number | undefined;

  constructor(code: BuildkitErrorCode, message: string, details: BuildkitErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kinds[code];
    this.buildUuid = details.buildUuid ?? null;
    this.service = details.service;
    this.step = details.step;
    this.logTail = details.logTail;
    this.ref = details.ref;
    this.corruptCacheRefs = details.corruptCacheRefs;
    this.exitCode = details.exitCode;
    this.attempts = details.attempts;
  }

  /** A copy with more context (build uuid, attempts, corrupt refs found on the way). */
  with(details: BuildkitErrorDetails): BuildkitError {
    const copy = new BuildkitError(this.code, this.message, {
      buildUuid: this.buildUuid,
      service: this.service,
      step: this.step,
      logTail: this.logTail,
      ref: this.ref,
      corruptCacheRefs: this.corruptCacheRefs,
      exitCode: this.exitCode,
      attempts: this.attempts,
      cause: this.cause,
      ...details,
    });
    if (this.stack !== undefined) copy.stack = this.stack;
    return copy;
  }
}
