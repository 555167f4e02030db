import { CodedError } from '@deployer/contracts';

export type LocalPostgresErrorCode =
  /** No `/usr/lib/postgresql/<version>/bin/{initdb,postgres}`: Debian's `postgresql` package is missing. */
  | 'BINARY_MISSING'
  /** `initdb` failed. */
  | 'INITDB_FAILED'
  /** `postgres` exited or did not accept connections in time. */
  | 'START_FAILED'
  /** No loopback port could be bound after several attempts. */
  | 'PORT_UNAVAILABLE';

/** Everything that goes wrong while starting a local Postgres. */
export class LocalPostgresError extends CodedError<LocalPostgresErrorCode> {
  override readonly name = 'LocalPostgresError';
}
