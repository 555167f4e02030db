import { posix } from 'node:path';

/**
 * Why a repository's `spec` path cannot stay inside the checkout, or undefined when it can: relative,
 * forward slashes, no `..` that leaves the checkout. Symlinks inside the checkout are the worker's to
 * follow and confine (deploy's `loadEnvironment` with `root` set to the checkout).
 */
export function specPathProblem(spec: string): string | undefined {
  if (spec.includes('\0')) return 'must not contain NUL characters';
  if (spec.includes('\\')) return 'must use forward slashes (a path inside the repository)';
  if (posix.isAbsolute(spec) || /^[A-Za-z]:/.test(spec)) {
    return 'must be relative to the repository root, not absolute';
  }
  const normal = posix.normalize(spec);
  if (normal === '..' || normal.startsWith('../'))
    return 'must stay inside the repository (no ".." leaving it)';
  if (normal === '.' || normal.endsWith('/')) return 'must name a file, e.g. deploy/env.yaml';
  return undefined;
}
