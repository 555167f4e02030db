import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { contextFiles, loadDockerIgnore } from '../plan/content-tag.js';
import { parseDockerIgnore } from '../plan/dockerignore.js';

/*
 * Why: a BuildKit daemon keeps the directory a build context was uploaded into and reuses it for the next
 * upload under the same key (`context:context:` for every buildctl build, BuildKit v0.11.6
 * source/local/local.go); the upload then skips every file whose path, size, mode, owner and mtime equal
 * what the directory holds, without reading its bytes (fsutil's sameFile). Two contexts with a same-named,
 * same-sized file and equal mtimes build from each other's file. Giving every file an mtime that is a
 * function of its content makes "metadata equal" imply "content equal" (up to a 35-bit tag, keyed), so what the
 * daemon skips is what it would have been sent. Directories are compared by mode and owner only, their
 * entries one by one; symlinks by their target too: neither needs anything. Files the ignore rules leave
 * out are never sent, and the daemon deletes them from the directory it reuses.
 */

/** The earliest time a stamp can be: 2004-01-10 (2^30 s), so no tool sees a file older than 1980 (zip). */
const firstSecond = 2 ** 30;
/** 2^29 seconds: every stamp is before 2021-01-14, never in the future (make, tar warn about those). */
const secondBits = 29;
/**
 * The fraction of a second: a multiple of 1/64 s (15 625 µs). Such a time is exact as a double near 2^30 s
 * and as whole microseconds and nanoseconds, so Node 20 (libuv keeps microseconds) and Node 22+ (keeps
 * nanoseconds) store the very same stamp, which `stat` reads back as it was meant.
 */
const fractionBits = 6;
const microsecondsPerFraction = 1_000_000 / 2 ** fractionBits;

export interface ContentMtime {
  /** Seconds since the epoch, in [2^30, 2^30 + 2^29). */
  seconds: number;
  /** In [0, 10^6), a multiple of 15 625 (1/64 s). */
  microseconds: number;
}

/**
 * A secret of this process: stamps are HMAC-SHA256(key, sha256(content)), so someone who chooses a file's
 * content (a pull request) cannot search offline for other content with a stamp it knows (main's file's,
 * which any image built from it shows). Builds of one process share it, so an unchanged file keeps its
 * stamp from build to build; another process stamps differently, which costs one full upload, never a mix-up.
 */
let processKey: Buffer | undefined;

function defaultKey(): Buffer {
  processKey ??= randomBytes(32);
  return processKey;
}

/** The mtime content with this sha256 digest gets: deterministic for a key, in the past, in 1/64 s steps. */
export function contentMtime(sha256: Uint8Array, key: Uint8Array = defaultKey()): ContentMtime {
  const tag = createHmac('sha256', key).update(sha256).digest();
  return {
    seconds: firstSecond + (tag.readUInt32BE(0) >>> (32 - secondBits)),
    microseconds: (tag.readUInt32BE(4) >>> (32 - fractionBits)) * microsecondsPerFraction,
  };
}

/** The number to give fs.utimes for a stamp: exact (see `fractionBits`), whatever libuv keeps. */
function utimesValue(time: ContentMtime): number {
  return time.seconds + time.microseconds / 1_000_000;
}

/** A stamp as `stat(…, { bigint: true }).mtimeNs` reads it. */
export function contentMtimeNs(time: ContentMtime): bigint {
  return BigInt(time.seconds) * 1_000_000_000n + BigInt(time.microseconds) * 1000n;
}

export interface StampContentMtimesOptions {
  /**
   * The build's Dockerfile (absolute, or relative to the context): the files its ignore rules
   * (`<Dockerfile>.dockerignore`, else the context's `.dockerignore`) leave out are never sent to the engine
   * and are left alone. Without it, every file of the context is stamped.
   */
  dockerfile?: string;
  /** Default: this process's random key (see contentMtime). A fixed key lets whoever knows it forge stamps. */
  key?: Uint8Array;
  signal?: AbortSignal;
}

export interface StampedContext {
  /** Regular files looked at (symlinks are left alone and not counted). */
  files: number;
  /** Files whose mtime was changed (the rest had their stamp already). */
  changed: number;
}

/** Files hashed at once. */
const parallelFiles = 8;
/** Read size; files are streamed through one buffer each, never held whole. */
const chunkSize = 256 * 1024;
/** A file written while it is read is read again, this many times in all, then the stamping fails. */
const readAttempts = 3;

/**
 * Sets the atime and mtime of every regular file of a build context to a time derived from its content
 * (contentMtime), so that a BuildKit daemon reusing an earlier upload's directory never keeps another
 * context's bytes for a file. Changes the files' timestamps, nothing else; a file that changes while it is
 * read is read again. Throws an error naming the file relative to the context when one cannot be stamped
 * (not owned by this user, unreadable).
 */
export async function stampContentMtimes(
  contextDir: string,
  options: StampContentMtimesOptions = {},
): Promise<StampedContext> {
  const ignore =
    options.dockerfile === undefined
      ? parseDockerIgnore('')
      : await loadDockerIgnore(contextDir, options.dockerfile);
  const paths = await contextFiles(contextDir, ignore);
  const key = options.key ?? defaultKey();
  const result: StampedContext = { files: 0, changed: 0 };
  let next = 0;
  const worker = async (buffer: Buffer): Promise<void> => {
    while (next < paths.length) {
      options.signal?.throwIfAborted();
      const path = paths[next++]!;
      const outcome = await stampFile(contextDir, path, key, buffer);
      if (outcome === 'not a file') continue;
      result.files += 1;
      if (outcome === 'changed') result.changed += 1;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(parallelFiles, paths.length) }, () =>
      worker(Buffer.allocUnsafe(chunkSize)),
    ),
  );
  return result;
}

type Outcome = 'changed' | 'unchanged' | 'not a file';

async function stampFile(
  contextDir: string,
  path: string,
  key: Uint8Array,
  buffer: Buffer,
): Promise<Outcome> {
  let outcome: Outcome | 'kept changing';
  try {
    outcome = await stampOpenFile(contextDir, path, key, buffer);
  } catch (error) {
    throw stampError(path, (error as NodeJS.ErrnoException).code ?? String(error), error);
  }
  if (outcome === 'kept changing') throw stampError(path, 'it kept changing while it was read');
  return outcome;
}

async function stampOpenFile(
  contextDir: string,
  path: string,
  key: Uint8Array,
  buffer: Buffer,
): Promise<Outcome | 'kept changing'> {
  let handle: FileHandle;
  try {
    // Never through a symlink (left alone: the daemon compares their targets), never blocking on a FIFO.
    handle = await open(
      join(contextDir, path),
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return 'not a file';
    throw error;
  }
  try {
    for (let attempt = 1; attempt <= readAttempts; attempt++) {
      const before = await handle.stat({ bigint: true });
      if (!before.isFile()) return 'not a file';
      const digest = await sha256Of(handle, buffer);
      const after = await handle.stat({ bigint: true });
      // A write moves the mtime (and usually the size): what was hashed is then not what the file holds.
      if (after.mtimeNs !== before.mtimeNs || after.size !== before.size) continue;
      const time = contentMtime(digest, key);
      if (after.mtimeNs === contentMtimeNs(time)) return 'unchanged';
      const value = utimesValue(time);
      await handle.utimes(value, value);
      return 'changed';
    }
    return 'kept changing';
  } finally {
    await handle.close();
  }
}

async function sha256Of(handle: FileHandle, buffer: Buffer): Promise<Buffer> {
  const hash = createHash('sha256');
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return hash.digest();
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** Names the file relative to the context and what went wrong (an errno code), never the machine's path. */
function stampError(path: string, what: string, cause?: unknown): Error {
  return new Error(`could not set content mtimes: ${path}: ${what}`, { cause });
}
