import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SpecError } from '../../errors.js';

/**
 * Specs come from pull requests: every path they name (context, Dockerfile, secret file) must stay
 * inside the spec's root, symlinks followed, so a spec cannot build, push or echo a file of the host.
 */
export interface SpecRoot {
  /** Absolute, symlinks resolved. */
  readonly dir: string;
  /** Absolute, as given: a path below it is named relative to it too. */
  readonly given: string;
}

/** The root as given (the spec file's directory, or `--root`), symlinks resolved; it must be a directory. */
export async function specRoot(dir: string): Promise<SpecRoot> {
  try {
    return { dir: await realpath(dir), given: resolve(dir) };
  } catch (cause) {
    throw new SpecError('INVALID_ROOT', {
      path: '(root)',
      detail: `the spec's root ${dir} does not exist`,
      cause,
    });
  }
}

/**
 * The real location of `path` (absolute), checked to lie inside the root; `specPath` names the spec key
 * that wrote it. A path that does not exist yet is checked through its nearest existing ancestor, so a
 * symlinked parent cannot lead out either. Only paths are reported, never what a file holds.
 */
export async function confinePath(root: SpecRoot, path: string, specPath: string): Promise<string> {
  const real = await realLocation(path);
  if (!isInside(root.dir, real)) {
    throw new SpecError('OUTSIDE_ROOT', {
      path: specPath,
      detail: `${pathInRoot(root, path)}${real === path ? '' : ` (really ${pathInRoot(root, real)})`} must stay inside the spec's root`,
    });
  }
  return real;
}

/**
 * How spec errors name a path: relative to the spec's root (`./web/Dockerfile`, `.`, `../outside`), never
 * as an absolute path. The server loads specs from pull requests with the checkout as root and shows their
 * errors publicly: where its checkouts live, or where a symlink led, is nobody's business.
 */
export function pathInRoot(root: SpecRoot, path: string): string {
  const base = isInside(root.given, path) && !isInside(root.dir, path) ? root.given : root.dir;
  const rel = relative(base, path);
  if (rel === '') return '.';
  return isInside(base, path) ? `./${rel}` : rel;
}

/**
 * How spec errors name the spec file: relative to the root when one was given (`deploy/env.yaml`, see
 * pathInRoot), else as given; a file outside the root is named as given (the caller chose both).
 */
export function specFileInRoot(file: string, root: string | undefined): string {
  if (root === undefined) return file;
  const base = resolve(root);
  const absolute = resolve(file);
  return isInside(base, absolute) && absolute !== base ? relative(base, absolute) : file;
}

async function realLocation(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
