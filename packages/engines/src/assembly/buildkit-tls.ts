import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildkitTls } from '@deployer/buildkit-runner';
import { EngineSettingsError } from './engine-settings-error.js';

const tlsFiles = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/**
 * TLS to tcp:// daemons: `DEPLOYER_BUILDKIT_TLS_DIR` (ca.pem, cert.pem, key.pem, as buildctl's --tlsdir
 * reads them) and `DEPLOYER_BUILDKIT_TLS_SERVER_NAME` (the name in the daemons' certificate: a dns:// pool
 * dials each daemon by its address). A folder that lacks one of the files is bad input here, not a
 * connection error on the first build.
 */
export async function buildkitTls(env: NodeJS.ProcessEnv): Promise<BuildkitTls | undefined> {
  const dir = env.DEPLOYER_BUILDKIT_TLS_DIR;
  if (dir === undefined || dir === '') return undefined;
  for (const file of tlsFiles) {
    await access(join(dir, file)).catch(() => {
      throw new EngineSettingsError(
        'DEPLOYER_BUILDKIT_TLS_DIR',
        `DEPLOYER_BUILDKIT_TLS_DIR ${JSON.stringify(dir)}: ${file} is missing or unreadable; the folder holds ${tlsFiles.join(', ')} (the client's certificate and key, and the CA that signed the daemons')`,
      );
    });
  }
  const serverName = env.DEPLOYER_BUILDKIT_TLS_SERVER_NAME;
  return { dir, ...(serverName && { serverName }) };
}
