import { ServerConfigError } from '../config/server-config-error.js';
import type { ServerConfig } from '../config/server-config-schema.js';
import { displayHookUrl } from './hook-url.js';

/** Each hook's HMAC secret, by its index in `hooks:`: read once from the environment, kept in memory only. */
export type HookSecrets = ReadonlyMap<number, string>;

/** Shorter secrets could be guessed from a few signed deliveries' worth of tries. */
export const HOOK_SECRET_MIN_CHARS = 16;

/** The environment variables the hooks' secrets live in: `deployer serve` removes them once read. */
export function hookSecretVariables(config: Pick<ServerConfig, 'hooks'>): string[] {
  return [...new Set(config.hooks.map((hook) => hook.secretEnv))];
}

/**
 * Reads every hook's secret from the environment (`secretEnv` names the variable). A variable that is
 * unset, empty or too short is a ServerConfigError (exit 2) naming the hook and the variable, never the
 * value: the server starts only when every hook can sign.
 */
export function readHookSecrets(
  config: Pick<ServerConfig, 'hooks'>,
  env: Readonly<Record<string, string | undefined>>,
  file = 'server config',
): HookSecrets {
  const secrets = new Map<number, string>();
  config.hooks.forEach((hook, index) => {
    const value = env[hook.secretEnv];
    const problem =
      value === undefined || value === ''
        ? 'is not set'
        : value.length < HOOK_SECRET_MIN_CHARS
          ? `is shorter than ${HOOK_SECRET_MIN_CHARS} characters`
          : undefined;
    if (problem !== undefined) {
      throw new ServerConfigError('INVALID_CONFIG', {
        file,
        path: `hooks[${index}].secretEnv`,
        detail: `the environment variable ${hook.secretEnv} ${problem}: it holds the HMAC secret of the hook ${displayHookUrl(hook.url)} and must be set in the server's environment (at least ${HOOK_SECRET_MIN_CHARS} characters)`,
      });
    }
    secrets.set(index, value!);
  });
  return secrets;
}
