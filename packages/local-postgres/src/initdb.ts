import { runProcess } from '@deployer/process';
import { LocalPostgresError } from './errors.js';
import { POSTGRES_USER, type RunAs } from './run-as.js';

/** How much of a program's output an error carries. */
export const OUTPUT_TAIL_CHARS = 4_000;
// Locale C: messages (postgres's ready line) in English, no locale package needed.
export const POSTGRES_ENV = { LC_ALL: 'C', LANG: 'C' };

/** A new cluster in `dataDir`: trust authentication (postgres listens on loopback only), no fsync. */
export async function initdb(file: string, dataDir: string, runAs: RunAs): Promise<void> {
  let output = '';
  const argv = [
    file,
    '-D',
    dataDir,
    '-U',
    POSTGRES_USER,
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ];
  const [program, ...args] = [...runAs.prefix, ...argv] as [string, ...string[]];
  const outcome = await runProcess({
    file: program,
    args,
    env: POSTGRES_ENV,
    killGraceMs: 2_000,
    deadline: Date.now() + 120_000,
    onLine: (_stream, line) => {
      output = `${output}${line}\n`.slice(-OUTPUT_TAIL_CHARS);
    },
  });
  if (outcome.exitCode !== 0) {
    throw new LocalPostgresError(
      'INITDB_FAILED',
      `initdb -D ${dataDir} failed (exit ${outcome.exitCode ?? outcome.signal}): ${output.trim()}`,
    );
  }
}
