export type LocalRegistryErrorCode =
  | 'BINARY_MISSING'
  | 'START_FAILED'
  | 'START_TIMEOUT'
  | 'PORT_UNAVAILABLE'
  /** A buildah command making or pushing the seeded base image failed. */
  | 'SEED_FAILED';

/** Everything that goes wrong while starting or stopping the local registry, or seeding its base image. */
export class LocalRegistryError extends Error {
  override readonly name = 'LocalRegistryError';
  readonly code: LocalRegistryErrorCode;

  constructor(code: LocalRegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
