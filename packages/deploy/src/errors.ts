import { CodedError } from '@deployer/contracts';

/**
 * Errors the user fixes by changing their input (spec, flags). Apps map `kind: 'input'` to exit code 2;
 * they are always thrown before anything is built or deleted.
 */
export interface InputError extends Error {
  readonly kind: 'input';
  readonly code: string;
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof Error && (error as Partial<InputError>).kind === 'input';
}

export type SpecErrorCode =
  | 'SPEC_NOT_FOUND'
  | 'INVALID_YAML'
  | 'INVALID_SPEC'
  | 'MISSING_CONTEXT'
  | 'MISSING_DOCKERFILE'
  | 'MISSING_SECRET'
  | 'INVALID_ROOT'
  | 'OUTSIDE_ROOT'
  | 'UNKNOWN_DEPENDENCY'
  | 'DEPENDENCY_CYCLE'
  | 'UNKNOWN_SERVICE'
  | 'INVALID_REFERENCE'
  | 'CACHE_OVERLAPS_IMAGES'
  | 'FIXED_BY_OPERATOR'
  | 'SECRET_NOT_PROVIDED';

/** Something wrong in an environment spec, named by its path in the spec (`services.api.dependsOn[0]`). */
export class SpecError extends CodedError<SpecErrorCode> implements InputError {
  override readonly name = 'SpecError';
  readonly kind = 'input' as const;
  /** The spec file, where there is one. */
  readonly file: string | undefined;
  /** Path into the spec, e.g. `services.api.dependsOn[0]`; `(root)` for the document itself. */
  readonly path: string;
  /** What is wrong, without the file and path. */
  readonly detail: string;

  constructor(
    code: SpecErrorCode,
    details: { path: string; detail: string; file?: string; cause?: unknown },
  ) {
    const where = details.file === undefined ? details.path : `${details.file}: ${details.path}`;
    super(
      code,
      `${where}: ${details.detail}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.file = details.file;
    this.path = details.path;
    this.detail = details.detail;
  }

  /** The same error, attributed to a spec file. */
  inFile(file: string): SpecError {
    return new SpecError(this.code, { path: this.path, detail: this.detail, file, cause: this.cause });
  }
}

/** A build uuid that is not a valid environment name; `source` names the flag or field it came from. */
export class BuildUuidError extends CodedError<'INVALID_BUILD_UUID'> implements InputError {
  override readonly name = 'BuildUuidError';
  readonly kind = 'input' as const;
  readonly source: string;
  readonly value: string;

  constructor(source: string, value: string, rule: string) {
    super('INVALID_BUILD_UUID', `${source} ${JSON.stringify(value)}: ${rule}`);
    this.source = source;
    this.value = value;
  }
}

/** A duration such as `--older-than` that is not `<number><d|h|m|s>` with a number of at least 1. */
export class DurationError extends CodedError<'INVALID_DURATION'> implements InputError {
  override readonly name = 'DurationError';
  readonly kind = 'input' as const;
  readonly value: string;
  /** The flag or field it came from, e.g. `--older-than`. */
  readonly source: string;

  constructor(value: string, source = 'duration') {
    // Zero is refused too (`cache gc --older-than 0s` would delete every cache but a fallback's), so
    // the rule says "positive" and the minimum rather than only the shape.
    super(
      'INVALID_DURATION',
      `${source} ${JSON.stringify(value)}: must be a whole number followed by d, h, m or s, at least 1s: a positive duration such as 14d, 12h or 30m`,
    );
    this.value = value;
    this.source = source;
  }
}
