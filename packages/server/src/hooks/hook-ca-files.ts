import { readFile } from 'node:fs/promises';
import { ServerConfigError } from '../config/server-config-error.js';
import type { ServerConfig } from '../config/server-config-schema.js';

/** Each hook's `caFile` contents by its index in `hooks:` (hooks without one are absent). */
export type HookCas = ReadonlyMap<number, string>;

/**
 * Reads every hook's `caFile` once, at start: a missing or unreadable file, or one without a PEM
 * certificate, is a ServerConfigError naming `hooks[i].caFile`, not a delivery failing later.
 */
export async function readHookCaFiles(
  config: Pick<ServerConfig, 'hooks'>,
  file = 'server config',
): Promise<HookCas> {
  const cas = new Map<number, string>();
  for (const [index, hook] of config.hooks.entries()) {
    if (hook.caFile === undefined) continue;
    const path = `hooks[${index}].caFile`;
    let pem: string;
    try {
      pem = await readFile(hook.caFile, 'utf8');
    } catch (cause) {
      throw new ServerConfigError('INVALID_CONFIG', {
        file,
        path,
        detail: `cannot read ${hook.caFile} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
        cause,
      });
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ServerConfigError('INVALID_CONFIG', {
        file,
        path,
        detail: `${hook.caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      });
    }
    cas.set(index, pem);
  }
  return cas;
}
