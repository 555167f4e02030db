/** Bad input on the command line: the message names the flag; the process exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  constructor(
    message: string,
    /** The command whose usage to point at, e.g. `cache plan`. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export const exitCodes = { ok: 0, failed: 1, badInput: 2 } as const;
