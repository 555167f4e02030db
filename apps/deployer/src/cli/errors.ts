import { CodedError } from '@deployer/contracts';

/** Bad input on the command line: the message names the flag; the process exits 2. */
export class UsageError extends CodedError<'USAGE'> {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to point at, e.g. `cache plan`. */
    readonly command?: string,
  ) {
    super('USAGE', message);
  }
}

export const exitCodes = { ok: 0, failed: 1, badInput: 2 } as const;
