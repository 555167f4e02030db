import { CodedError } from '@deployer/contracts';

/**
 * A flag or environment variable that sets up the engines is malformed: bad input (`kind: 'input'`, exit 2),
 * found before anything is planned or started. `source` names where the value came from
 * (`--buildkit-host`, `DEPLOYER_BUILDKIT_HOSTS`, `DEPLOYER_BUILDKIT_TLS_DIR`, …).
 */
export class EngineSettingsError extends CodedError<'INVALID_ENGINE_SETTING'> {
  override readonly name = 'EngineSettingsError';
  readonly kind = 'input';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super('INVALID_ENGINE_SETTING', message);
  }
}
