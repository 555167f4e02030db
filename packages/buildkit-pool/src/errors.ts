import { type BuildFailureKind, CodedError } from '@deployer/contracts';

/** Every code this package throws, with the failure kind deploy acts on. */
const kinds = {
  /** A malformed entry in the daemon list (`--buildkit-host`, DEPLOYER_BUILDKIT_HOSTS). */
  INVALID_ADDRESS: 'internal',
  INVALID_OPTIONS: 'internal',
  /** A `dns://` name that did not resolve, or resolved to no address. */
  DNS_FAILED: 'transient',
  /** No daemon of the pool answers (all down or cooling down). */
  NO_DAEMON: 'transient',
  /** The run was cancelled while the build waited for a free daemon. */
  CANCELLED: 'cancelled',
} as const satisfies Record<string, BuildFailureKind>;

export type BuildkitPoolErrorCode = keyof typeof kinds;

/** A failure of the pool itself; a build's own failure stays the per-daemon engine's error. */
export class BuildkitPoolError extends CodedError<BuildkitPoolErrorCode> {
  override readonly name = 'BuildkitPoolError';
  readonly kind: BuildFailureKind;
  /** Every daemon tried, in order (NO_DAEMON). */
  readonly daemonsTried: readonly string[];

  constructor(
    code: BuildkitPoolErrorCode,
    message: string,
    details: { daemonsTried?: readonly string[]; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kinds[code];
    this.daemonsTried = details.daemonsTried ?? [];
  }
}
