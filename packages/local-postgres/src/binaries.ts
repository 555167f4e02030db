import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalPostgresError } from './errors.js';

/** Where Debian's `postgresql-<version>` packages put their server binaries. */
export const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

export interface PostgresBinaries {
  version: string;
  initdb: string;
  postgres: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The newest installed `/usr/lib/postgresql/<version>/bin/{initdb,postgres}`; a typed error when none is. */
export async function findPostgresBinaries(root = DEBIAN_POSTGRES_ROOT): Promise<PostgresBinaries> {
  let versions: string[] = [];
  try {
    versions = await readdir(root);
  } catch {
    // No such folder: nothing installed; reported below.
  }
  const newestFirst = versions
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const version of newestFirst) {
    const bin = join(root, version, 'bin');
    const initdb = join(bin, 'initdb');
    const postgres = join(bin, 'postgres');
    if ((await isExecutable(initdb)) && (await isExecutable(postgres))) return { version, initdb, postgres };
  }
  throw new LocalPostgresError(
    'BINARY_MISSING',
    `no Postgres server found at ${root}/<version>/bin/{initdb,postgres}; install Debian's package with: apt-get install postgresql`,
  );
}
