import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { findFreePort, makeOwnedTempDir, type ProcessOutcome, runProcess } from '@deployer/process';
import { findPostgresBinaries } from './binaries.js';
import { LocalPostgresError } from './errors.js';
import { initdb, OUTPUT_TAIL_CHARS, POSTGRES_ENV } from './initdb.js';
import { handOver, POSTGRES_USER, planRunAs, type RunAs } from './run-as.js';

export interface StartPostgresOptions {
  /** Parent folder of the temp folder (data and socket). Default: the system's temp folder. */
  dir?: string;
  /** How long to wait for connections to be accepted. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface LocalPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** The temp folder: `data/` and the Unix socket. */
  dir: string;
  /** Stops postgres (fast shutdown) and removes the folder. Safe to call more than once. */
  stop(): Promise<void>;
}

const MAX_PORT_ATTEMPTS = 5;
const READY_LINE = /database system is ready to accept connections/;

/**
 * Starts Debian's Postgres on a free loopback port in a fresh temp folder (initdb with trust on loopback, no
 * fsync), as user `postgres` when this process is root, through @deployer/process so it dies with us.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<LocalPostgres> {
  const binaries = await findPostgresBinaries();
  const runAs = await planRunAs();
  const dir = await makeOwnedTempDir(options.dir ?? tmpdir(), 'postgres');
  try {
    await handOver(dir, runAs);
    const dataDir = join(dir, 'data');
    await initdb(binaries.initdb, dataDir, runAs);
    let lastOutput = '';
    for (let attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
      const port = await findFreePort();
      const started = await launch({ postgres: binaries.postgres, dir, dataDir, port, runAs, options });
      if (started.ready) {
        return handle({
          url: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`,
          port,
          dir,
          dataDir,
          started,
        });
      }
      lastOutput = started.output();
      if (!/address already in use|could not bind/i.test(lastOutput)) {
        throw new LocalPostgresError(
          'START_FAILED',
          `postgres did not start on 127.0.0.1:${port}: ${lastOutput.trim()}`,
        );
      }
    }
    throw new LocalPostgresError('PORT_UNAVAILABLE', `could not bind a loopback port: ${lastOutput.trim()}`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface Launched {
  ready: boolean;
  running: Promise<ProcessOutcome>;
  abort: AbortController;
  output: () => string;
}

async function launch(input: {
  postgres: string;
  dir: string;
  dataDir: string;
  port: number;
  runAs: RunAs;
  options: StartPostgresOptions;
}): Promise<Launched> {
  // -F: no fsync (throwaway data); -k: the socket in our folder, not /var/run/postgresql; -h: loopback only.
  const argv = [
    input.postgres,
    '-D',
    input.dataDir,
    '-k',
    input.dir,
    '-h',
    '127.0.0.1',
    '-p',
    String(input.port),
    '-F',
  ];
  const [program, ...args] = [...input.runAs.prefix, ...argv] as [string, ...string[]];
  const abort = new AbortController();
  let output = '';
  let signalReady: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  const running = runProcess({
    file: program,
    args,
    env: POSTGRES_ENV,
    signal: abort.signal,
    killGraceMs: 5_000,
    onLine: (_stream, line) => {
      output = `${output}${line}\n`.slice(-OUTPUT_TAIL_CHARS);
      if (READY_LINE.test(line)) signalReady();
    },
  });
  const exited = running.then(() => 'exited' as const);
  const timeout = sleep(input.options.readyTimeoutMs ?? 30_000, 'timeout' as const);
  const first = await Promise.race([readyLine.then(() => 'ready' as const), exited, timeout]);
  if (first !== 'ready') {
    abort.abort();
    await running.catch(() => undefined);
    return {
      ready: false,
      running,
      abort,
      output: () => (first === 'timeout' ? `timed out; ${output}` : output),
    };
  }
  return { ready: true, running, abort, output: () => output };
}

function handle(input: {
  url: string;
  port: number;
  dir: string;
  dataDir: string;
  started: Launched;
}): LocalPostgres {
  let stopping: Promise<void> | undefined;
  const { running, abort } = input.started;
  return {
    url: input.url,
    port: input.port,
    dir: input.dir,
    stop() {
      stopping ??= (async () => {
        // SIGINT is Postgres's fast shutdown (clients are disconnected); the SIGTERM runProcess would send
        // is a smart shutdown that waits for every client to leave.
        const pid = await postmasterPid(input.dataDir);
        if (pid !== undefined) {
          try {
            process.kill(pid, 'SIGINT');
          } catch {
            // Already gone.
          }
        }
        const stopped = await Promise.race([running.then(() => true), sleep(10_000, false)]);
        if (!stopped) abort.abort();
        await running.catch(() => undefined);
        await rm(input.dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(
      (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
      10,
    );
    return Number.isNaN(pid) ? undefined : pid;
  } catch {
    return undefined;
  }
}
