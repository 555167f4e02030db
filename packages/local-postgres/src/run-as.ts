import { chown } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { runProcess } from '@deployer/process';
import { LocalPostgresError } from './errors.js';

/** The system account Debian's package creates; postgres refuses to run as root. */
export const POSTGRES_USER = 'postgres';

export interface RunAs {
  /** argv prefix that runs a program as the postgres account (empty when not root). */
  prefix: string[];
  uid: number | undefined;
  gid: number | undefined;
}

/**
 * As root, programs run as `postgres` through `setpriv --reuid --regid --init-groups --pdeathsig KILL`:
 * the kernel clears a parent-death signal when the user changes, so it is set again after the change (the
 * outer setpriv of @deployer/process alone would not kill postgres with its parent).
 */
export async function planRunAs(): Promise<RunAs> {
  if (userInfo().uid !== 0) return { prefix: [], uid: undefined, gid: undefined };
  const uid = await idOf('-u');
  const gid = await idOf('-g');
  return {
    prefix: [
      'setpriv',
      '--reuid',
      POSTGRES_USER,
      '--regid',
      POSTGRES_USER,
      '--init-groups',
      '--pdeathsig',
      'KILL',
      '--',
    ],
    uid: Number(uid),
    gid: Number(gid),
  };
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  let output = '';
  const outcome = await runProcess({
    file: 'id',
    args: [flag, POSTGRES_USER],
    killGraceMs: 1_000,
    onLine: (stream, line) => {
      if (stream === 'stdout') output += line;
    },
  });
  const id = Number.parseInt(output.trim(), 10);
  if (outcome.exitCode !== 0 || Number.isNaN(id)) {
    throw new LocalPostgresError(
      'BINARY_MISSING',
      `running as root, but there is no '${POSTGRES_USER}' account to run postgres as (postgres refuses root); install Debian's package with: apt-get install postgresql`,
    );
  }
  return id;
}

/** Gives the folder to the account postgres runs as. */
export async function handOver(dir: string, runAs: RunAs): Promise<void> {
  if (runAs.uid !== undefined && runAs.gid !== undefined) await chown(dir, runAs.uid, runAs.gid);
}
