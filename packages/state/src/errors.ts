export type StateErrorCode =
  /** `databaseUrl` is set but is not a `postgres://` / `postgresql://` URL. */
  | 'INVALID_DATABASE_URL'
  /** A migration failed on open; the state was not opened. */
  | 'MIGRATION_FAILED'
  /** The embedded database could not be made in a new state folder. */
  | 'INIT_FAILED';

/** What goes wrong while opening the state. */
export class StateError extends Error {
  override readonly name = 'StateError';
  readonly code: StateErrorCode;

  constructor(code: StateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
