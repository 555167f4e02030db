import { RegistryError } from '../errors.js';
import type { Credentials } from './credentials.js';

export interface CredentialHelperOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * Runs `docker-credential-<helper> get` with the server name on stdin (docker's credential-helper protocol).
 * Returns undefined when the helper knows no credentials for that server. Failures never include the
 * helper's output: it may contain the secret.
 */
export async function getFromCredentialHelper(
  helper: string,
  serverUrl: string,
  options: CredentialHelperOptions = {},
): Promise<Credentials | undefined> {
  const operation = 'credential-helper';
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new RegistryError(`invalid credential helper name ${JSON.stringify(helper)}`, {
      code: 'CREDENTIALS',
      operation,
    });
  }
  const program = `docker-credential-${helper}`;
  // execa loads only when a helper runs: most registries never ask for one.
  const { execa } = await import('execa');
  const result = await execa(program, ['get'], {
    input: serverUrl,
    env: options.env,
    extendEnv: options.env === undefined,
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    stripFinalNewline: true,
  });
  if (result.failed) {
    // The protocol's "not found" is a failed exit with this text on stdout.
    if (/credentials not found/i.test(result.stdout)) return undefined;
    const reason = result.timedOut
      ? 'timed out'
      : (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
        ? 'is not installed (not on PATH)'
        : `exited with code ${result.exitCode ?? 'unknown'}`;
    throw new RegistryError(`${program} get ${reason}`, { code: 'CREDENTIALS', operation });
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    throw new RegistryError(`${program} get printed something that is not JSON`, {
      code: 'CREDENTIALS',
      operation,
    });
  }
  if (typeof parsed.Secret !== 'string' || parsed.Secret === '') return undefined;
  if (parsed.Username === '<token>') return { kind: 'identity-token', identityToken: parsed.Secret };
  return {
    kind: 'basic',
    username: typeof parsed.Username === 'string' ? parsed.Username : '',
    password: parsed.Secret,
  };
}
