import { CodedError } from '@deployer/contracts';

/** Error codes of the distribution spec, as registries put them in `{"errors":[{"code":…}]}`. */
export type RegistryApiErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'MANIFEST_UNVERIFIED'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'PAGINATION_NUMBER_INVALID';

/** Failures that happen before or instead of a registry answer, plus a catch-all for unexpected statuses. */
export type TransportErrorCode =
  | 'CONNECTION'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'CREDENTIALS'
  | 'INVALID_RESPONSE'
  | 'DIGEST_MISMATCH'
  | 'HTTP_ERROR';

// `string & {}` keeps autocompletion for the known codes while accepting codes from other registries.
export type RegistryErrorCode = RegistryApiErrorCode | TransportErrorCode | (string & {});

export interface RegistryApiError {
  code: string;
  message?: string;
}

export interface RegistryErrorInit {
  code: RegistryErrorCode;
  operation: string;
  status?: number;
  /** `host/repository[:tag|@digest]` the operation was about, when there is one. */
  ref?: string;
  /** Every error the registry listed in its body. */
  errors?: RegistryApiError[];
  cause?: unknown;
}

/**
 * One error type for everything the client reports. Messages are built only from the operation, the ref,
 * the status and the registry's error codes/messages: never from request headers, so credentials and
 * tokens cannot leak into logs.
 */
export class RegistryError extends CodedError<RegistryErrorCode> {
  override readonly name = 'RegistryError';
  readonly status: number | undefined;
  readonly operation: string;
  readonly ref: string | undefined;
  readonly errors: readonly RegistryApiError[];

  constructor(message: string, init: RegistryErrorInit) {
    super(init.code, message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.operation = init.operation;
    this.ref = init.ref;
    this.errors = init.errors ?? [];
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      operation: this.operation,
      ref: this.ref,
      errors: this.errors,
    };
  }
}

export function isRegistryError(error: unknown, code?: RegistryErrorCode): error is RegistryError {
  return error instanceof RegistryError && (code === undefined || error.code === code);
}

/** Parses the spec's error body; tolerates empty or non-JSON bodies (HEAD responses have none). */
export function parseErrorBody(body: string): RegistryApiError[] {
  if (!body) return [];
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter((e): e is { code: string; message?: unknown } => typeof e?.code === 'string')
      .map((e) => ({ code: e.code, ...(typeof e.message === 'string' ? { message: e.message } : {}) }));
  } catch {
    return [];
  }
}

/** Code to report when the registry sent no error body (HEAD requests, proxies). */
export function codeForStatus(status: number, fallback: RegistryErrorCode): RegistryErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 405) return 'UNSUPPORTED';
  return fallback;
}
