import { hash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file of other code (another deployer or Node version) untouched this long is deleted on a write. */
const staleAfterMs = 7 * 24 * 60 * 60 * 1000;
const cacheSuffix = '.v8-cache';

export interface CompileCacheKey {
  /** The bundle's text: its cache is only ever used for exactly this text. */
  source: string;
  /** Which command ran (see commandKey): each command compiles other functions, so each has its cache. */
  command: string;
  /** `process.version` and `process.arch`: V8's code is only valid for the build that made it. */
  nodeVersion: string;
  arch: string;
}

/**
 * V8's compiled code for deployer's bundle, one file per command in `directory` (a private one: see
 * isPrivateDirectory). V8 itself rejects data from another V8 version or other flags; the file name also
 * carries the bundle's SHA-256 (its first 64 bits) and length, since V8 checks only a source's length, and an upgraded
 * deployer of the same length must never run the previous one's code.
 */
export class CompileCache {
  readonly file: string;
  readonly #directory: string;
  readonly #prefix: string;

  constructor(directory: string, key: CompileCacheKey) {
    // crypto, not zlib's crc32: the command loads crypto anyway, zlib would be one more module to load.
    const checksum = hash('sha256', key.source, 'hex').slice(0, 16);
    this.#directory = directory;
    this.#prefix = `${key.nodeVersion}-${key.arch}-${checksum}-${key.source.length}-`;
    this.file = join(directory, `${this.#prefix}${key.command}${cacheSuffix}`);
  }

  /** The cached code, or undefined when there is none (or it cannot be read). */
  read(): Buffer | undefined {
    try {
      return readFileSync(this.file);
    } catch {
      return undefined;
    }
  }

  /**
   * Stores `data` whole or not at all (written beside, then renamed: concurrent runs each leave a complete
   * file), and deletes other code's stale files. Never throws: the cache only ever saves time.
   */
  save(data: Buffer): void {
    const partial = `${this.file}.${process.pid}.partial`;
    try {
      writeFileSync(partial, data, { mode: 0o600 });
      renameSync(partial, this.file);
    } catch {
      rmSync(partial, { force: true });
      return;
    }
    this.#pruneStale(Date.now());
  }

  #pruneStale(now: number): void {
    try {
      for (const name of readdirSync(this.#directory)) {
        if (name.startsWith(this.#prefix)) continue;
        if (!name.endsWith(cacheSuffix) && !name.endsWith('.partial')) continue;
        const path = join(this.#directory, name);
        if (now - statSync(path).mtimeMs > staleAfterMs) rmSync(path, { force: true });
      }
    } catch {
      // Pruning is housekeeping: a file another run removed first, a directory gone, are fine.
    }
  }
}

/**
 * The command a run's arguments name, as a cache file's name part: its leading words (`build`,
 * `cache-gc`; at most two), `overview` when none, and `-help` when it asks for help.
 */
export function commandKey(argv: readonly string[]): string {
  const words: string[] = [];
  for (const arg of argv) {
    if (words.length === 2 || !/^[a-z][a-z0-9-]{0,31}$/.test(arg)) break;
    words.push(arg);
  }
  if (words.length === 0) words.push('overview');
  if (argv.includes('--help') || argv.includes('-h')) words.push('help');
  return words.join('-');
}
