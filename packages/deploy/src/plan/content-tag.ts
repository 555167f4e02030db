import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type DockerIgnore, parseDockerIgnore } from './dockerignore.js';

/** Bumped when what goes into the digest changes, so old tags never collide with new meanings. */
const formatVersion = 'deployer-content-tag/v2';
/**
 * The whole sha256: an existing content tag is reused (its service skipped) only because it names the
 * content it was built from, and only the full digest makes "same tag" mean "same content" against
 * someone who can choose content (a pull request) and search for a prefix collision. 64 characters is
 * also longer than any build uuid, so a content tag and an environment's tag never share a shape.
 */
export const contentTagLength = 64;

export interface ContentTagInput {
  contextDir: string;
  /** Absolute, or relative to the context. */
  dockerfile: string;
  target?: string;
  /** Final values (references already filled in): an argument that changes changes the tag. */
  args?: Readonly<Record<string, string>>;
  /**
   * The ids of the secrets the build is given: a build that withholds a secret (a pull request's, under
   * `deployer serve`) may make another image from the same files, so it never shares their tag.
   */
  secrets?: readonly string[];
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The ignore rules BuildKit applies: `<Dockerfile>.dockerignore` beside the Dockerfile, else the context's. */
export async function loadDockerIgnore(contextDir: string, dockerfile: string): Promise<DockerIgnore> {
  const specific = await readOptional(`${resolve(contextDir, dockerfile)}.dockerignore`);
  if (specific !== null) return parseDockerIgnore(specific);
  return parseDockerIgnore((await readOptional(join(contextDir, '.dockerignore'))) ?? '');
}

/** Files (and symlinks) of the build context that are sent to the engine, `/`-separated, sorted. */
export async function contextFiles(contextDir: string, ignore: DockerIgnore): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(contextDir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        // Without `!` exceptions nothing below an ignored directory can come back: skip it whole.
        if (ignore.hasExceptions || !ignore.ignores(path)) await walk(path);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && !ignore.ignores(path)) {
        files.push(path);
      }
    }
  };
  await walk('');
  return files.sort();
}

/** Files up to this size are hashed from one read; larger ones stream, never held whole. */
const wholeReadLimit = 1024 * 1024;

async function fileDigest(path: string, size?: number): Promise<string> {
  const hash = createHash('sha256');
  if (size !== undefined && size <= wholeReadLimit) hash.update(await readFile(path));
  else for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * sha256 (hex) over what decides the image: the context files the engine would see (path, executable bit,
 * content; symlink targets), the Dockerfile, the target, the sorted build arguments and the ids of the
 * secrets given. Each field is one JSON array on its own line, so no file name or value (a line break,
 * a NUL) can make two different inputs read as the same fields.
 */
export async function contentDigest(input: ContentTagInput): Promise<string> {
  const ignore = await loadDockerIgnore(input.contextDir, input.dockerfile);
  const hash = createHash('sha256');
  const field = (...parts: string[]): void => {
    hash.update(`${JSON.stringify(parts)}\n`);
  };
  field(formatVersion);
  for (const path of await contextFiles(input.contextDir, ignore)) {
    const absolute = join(input.contextDir, path);
    const stats = await lstat(absolute);
    if (stats.isSymbolicLink()) field('link', path, await readlink(absolute));
    else field('file', path, (stats.mode & 0o111) !== 0 ? 'x' : '-', await fileDigest(absolute, stats.size));
  }
  field('dockerfile', await fileDigest(resolve(input.contextDir, input.dockerfile)));
  field('target', input.target ?? '');
  for (const [name, value] of Object.entries(input.args ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    field('arg', name, value);
  }
  field('secrets', ...[...new Set(input.secrets ?? [])].sort());
  return hash.digest('hex');
}

/** The image tag for content: {@link contentDigest}, whole (see {@link contentTagLength}). */
export async function contentTag(input: ContentTagInput): Promise<string> {
  return contentDigest(input);
}
