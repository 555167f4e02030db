import { CodedError } from '@deployer/contracts';

export type LocalRegistryErrorCode = 'BINARY_MISSING' | 'START_FAILED' | 'START_TIMEOUT' | 'PORT_UNAVAILABLE';

/** Everything that goes wrong while starting or stopping the local registry. */
export class LocalRegistryError extends CodedError<LocalRegistryErrorCode> {
  override readonly name = 'LocalRegistryError';
}
