import { closeSync, constants, openSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, isAlive, isPortFree, terminate, trackChild, untrackChild } from '@deployer/process';
import { execa, type Options, type ResultPromise } from 'execa';
import { renderRegistryConfig, type TokenAuthConfig } from './config.js';
import { LocalRegistryError } from './errors.js';

import { stateFilePath, writeState } from './pid-file.js';
import { waitForRegistry } from './wait-ready.js';

export const DEFAULT_REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface StartLocalRegistryOptions {
  /** Where blobs and manifests live. Default: a fresh temp directory, removed again by `stop()`. */
  storageDir?: string;
  /** Fixed port; default: a free one (retried if another process takes it first). */
  port?: number;
  /** htpasswd file with bcrypt entries (`htpasswd -B`). */
  htpasswdPath?: string;
  token?: TokenAuthConfig;
  /** Path of the distribution binary. Default `/usr/bin/docker-registry` (Debian's package). */
  binary?: string;
  /** How long to wait for `GET /v2/` to answer. Default 15 s. */
  readyTimeoutMs?: number;
  /**
   * Keep running after this process exits (for `deployer dev up`). Output goes to
   * `<storageDir>/registry.log`, the pid to `<storageDir>/local-registry.json`; stop it later with
   * `stopByPid(storageDir)`. Requires `storageDir`.
   */
  detached?: boolean;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export interface LocalRegistry {
  /** `127.0.0.1:PORT`, the form image references use. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  storageDir: string;
  pid: number;
  /** Kills the registry (SIGTERM, then SIGKILL). Safe to call more than once. */
  stop(): Promise<void>;
}

const MAX_PORT_ATTEMPTS = 5;
const STDERR_TAIL_BYTES = 4_096;

async function assertBinary(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
  } catch (cause) {
    throw new LocalRegistryError(
      'BINARY_MISSING',
      `registry binary ${binary} not found or not executable; install it with: apt-get install docker-registry`,
      { cause },
    );
  }
}

interface Launched {
  pid: number;
  subprocess: ResultPromise | undefined;
  stderrTail: () => string;
}

function launch(binary: string, configPath: string, storageDir: string, detached: boolean): Launched {
  if (detached) {
    // Its own process group, not cleaned up with us, output to a file: a CLI that starts it can exit.
    const logFd = openSync(join(storageDir, 'registry.log'), 'a');
    try {
      // execa takes a file descriptor at run time (a `{ file }` target would keep this process waiting
      // on the child), but its types only admit numeric literals: hence the cast.
      const log = logFd as unknown as Options['stdout'];
      const child = execa(binary, ['serve', configPath], {
        detached: true,
        cleanup: false,
        stdin: 'ignore',
        stdout: log,
        stderr: log,
        reject: false,
      });
      child.unref();
      if (child.pid === undefined) throw new LocalRegistryError('START_FAILED', `could not spawn ${binary}`);
      return { pid: child.pid, subprocess: undefined, stderrTail: () => '' };
    } finally {
      closeSync(logFd);
    }
  }
  const subprocess = execa(binary, ['serve', configPath], {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  // Keep only the end of stderr: enough to explain a failed start without growing without bound.
  let tail = '';
  subprocess.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  if (subprocess.pid === undefined) {
    throw new LocalRegistryError('START_FAILED', `could not spawn ${binary}`);
  }
  return { pid: subprocess.pid, subprocess, stderrTail: () => tail };
}

/** Starts Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1 and waits until it serves. */
export async function startLocalRegistry(options: StartLocalRegistryOptions = {}): Promise<LocalRegistry> {
  const binary = options.binary ?? DEFAULT_REGISTRY_BINARY;
  const detached = options.detached ?? false;
  if (detached && !options.storageDir) {
    throw new TypeError('detached registries need a persistent storageDir');
  }
  await assertBinary(binary);

  const ownsStorage = !options.storageDir;
  const storageDir = options.storageDir ?? (await mkdtemp(join(tmpdir(), 'local-registry-')));
  await mkdir(storageDir, { recursive: true });
  const configPath = join(storageDir, 'config.yml');

  let lastError = '';
  for (let attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
    const port = options.port ?? (await findFreePort());
    const host = `127.0.0.1:${port}`;
    // Readiness is judged by `GET /v2/`, so a registry already on this port would look like ours.
    if (!(await isPortFree(port))) {
      lastError = `${host}: address already in use`;
      if (options.port !== undefined) break;
      continue;
    }
    const url = `http://${host}`;
    await writeFile(
      configPath,
      renderRegistryConfig({
        addr: host,
        storageDir,
        htpasswdPath: options.htpasswdPath,
        token: options.token,
        logLevel: options.logLevel,
      }),
    );

    const launched = launch(binary, configPath, storageDir, detached);
    // Foreground registries must not outlive this process, even when nobody calls stop().
    if (!detached) trackChild(launched.pid, 'process');
    const ready = await waitForRegistry(url, {
      timeoutMs: options.readyTimeoutMs ?? 15_000,
      isAlive: () => isAlive(launched.pid) && launched.subprocess?.exitCode == null,
    });
    if (ready) {
      if (detached) await writeState({ pid: launched.pid, host, url, storageDir });
      return makeHandle({ host, url, storageDir, launched, ownsStorage, detached });
    }

    await terminate(launched.pid, 1_000);
    untrackChild(launched.pid);
    lastError = launched.stderrTail();
    const portTaken = /address already in use/i.test(lastError);
    if (!portTaken) {
      if (ownsStorage) await rm(storageDir, { recursive: true, force: true });
      throw new LocalRegistryError(
        isAlive(launched.pid) ? 'START_TIMEOUT' : 'START_FAILED',
        `docker-registry did not become ready on ${host}${lastError ? `: ${lastError.trim()}` : ''}`,
      );
    }
    if (options.port !== undefined) break;
  }
  if (ownsStorage) await rm(storageDir, { recursive: true, force: true });
  throw new LocalRegistryError('PORT_UNAVAILABLE', `could not bind a loopback port: ${lastError.trim()}`);
}

function makeHandle(input: {
  host: string;
  url: string;
  storageDir: string;
  launched: Launched;
  ownsStorage: boolean;
  detached: boolean;
}): LocalRegistry {
  let stopping: Promise<void> | undefined;
  const { pid, subprocess } = input.launched;
  return {
    host: input.host,
    url: input.url,
    storageDir: input.storageDir,
    pid,
    stop() {
      stopping ??= (async () => {
        await terminate(pid);
        // Reap the child so no zombie (or unhandled promise) is left behind.
        await subprocess;
        untrackChild(pid);
        if (input.detached) await rm(stateFilePath(input.storageDir), { force: true });
        if (input.ownsStorage) await rm(input.storageDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
