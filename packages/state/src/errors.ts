import { CodedError } from '@deployer/contracts';

export type StateErrorCode =
  /** `databaseUrl` is set but is not a `postgres://` / `postgresql://` URL. */
  | 'INVALID_DATABASE_URL'
  /** A migration failed on open; the state was not opened. */
  | 'MIGRATION_FAILED'
  /** The embedded database could not be made in a new state folder. */
  | 'INIT_FAILED';

/** What goes wrong while opening the state. */
export class StateError extends CodedError<StateErrorCode> {
  override readonly name = 'StateError';
}
