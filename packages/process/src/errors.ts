import { CodedError } from '@deployer/contracts';

export type ProcessErrorCode =
  /** The program is not there (ENOENT): not installed, or not on PATH. */
  | 'NOT_FOUND'
  /** The program is there but could not be started (EACCES, ENOEXEC, too many processes…). */
  | 'SPAWN_FAILED';

export interface ProcessErrorDetails {
  /** The program as the caller named it (not setpriv, which may have been put in front of it). */
  file: string;
  /** The operating system's error code (`ENOENT`, `EACCES`…), when it gave one. */
  systemCode?: string;
  cause?: unknown;
}

/** A process that could not be started at all; a process that ran and failed is an outcome, not this. */
export class ProcessError extends CodedError<ProcessErrorCode> {
  override readonly name = 'ProcessError';
  readonly file: string;
  readonly systemCode: string | undefined;

  constructor(code: ProcessErrorCode, message: string, details: ProcessErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file;
    this.systemCode = details.systemCode;
  }
}
