import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

/** A secret reaches the build by id, from an environment variable or a file: never a literal value. */
export type SecretSource = { id: string; env: string } | { id: string; file: string };

/** The variables an `env` secret is looked up in; a variable that is absent (undefined) is unset. */
export type SecretEnvironment = Readonly<Record<string, string | undefined>>;

export interface UnavailableSecretSource {
  secret: SecretSource;
  /** Its position in the list checked, so a caller can point at where it was declared. */
  index: number;
  /** Names the variable or file and the secret id, never a value. */
  reason: string;
}

/**
 * The rule every caller (deploy before a run, each engine before a build) checks secret sources by, kept
 * here once so they cannot drift: an `env` secret needs its variable set in `env`, a `file` secret needs a
 * file this process may read. Returns the first source that fails it, or null when every one is there.
 * Callers turn the answer into their own typed error. Only names are looked at and reported: a value is
 * never read, so it can never be printed.
 */
export async function unavailableSecretSource(
  secrets: readonly SecretSource[],
  env: SecretEnvironment,
): Promise<UnavailableSecretSource | null> {
  for (const [index, secret] of secrets.entries()) {
    if ('env' in secret) {
      if (env[secret.env] === undefined) {
        return {
          secret,
          index,
          reason: `environment variable ${secret.env} (secret ${secret.id}) is not set`,
        };
      }
    } else if (!(await readable(secret.file))) {
      return { secret, index, reason: `file ${secret.file} (secret ${secret.id}) is not readable` };
    }
  }
  return null;
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
