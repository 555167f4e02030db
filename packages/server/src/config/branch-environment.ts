import { createHash } from 'node:crypto';
import type { BuildUuid } from '@deployer/contracts';
import { buildUuidMaxLength, validateBuildUuid } from '@deployer/deploy';
// posix: branch names separate with `/` on every platform.
import picomatch from 'picomatch/posix.js';

/** Every branch environment's build uuid starts so: no generated pull request uuid (`adjective-noun-NNNNNN`) does. */
export const branchBuildUuidPrefix = 'branch-';
const hashLength = 10;
// `branch-` + readable part + `-` + hash ≤ 63 (a build uuid, a DNS label).
const readableMax = buildUuidMaxLength - branchBuildUuidPrefix.length - 1 - hashLength;

/** The shape of every branch environment's uuid: a `fallback` of this shape is refused, so none can equal one. */
export const branchBuildUuidPattern = /^branch-(?:[a-z0-9-]*-)?[0-9a-f]{10}$/;

/**
 * The build uuid of a non-default branch's environment: `branch-<readable>-<hash>`, the readable part the
 * name lower-cased with every other character run made `-`, the hash the first 10 hex digits of the exact
 * name's SHA-256. Names the readable part merges (`release/1.4`, `release-1.4`, `Release/1.4`) keep
 * distinct uuids through the hash. Made valid by construction, and still put through deploy's rule once here,
 * where it is made, so that it is a BuildUuid like any other.
 */
export function branchBuildUuid(branch: string): BuildUuid {
  const readable = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, readableMax)
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(branch, 'utf8').digest('hex').slice(0, hashLength);
  return validateBuildUuid(
    `${branchBuildUuidPrefix}${readable === '' ? '' : `${readable}-`}${hash}`,
    `the build uuid of branch ${JSON.stringify(branch)}`,
  );
}

/** Why a `branches` pattern cannot be used, or undefined when it compiles. */
export function branchPatternProblem(pattern: string): string | undefined {
  if (pattern.startsWith('refs/')) return 'must be a branch name or glob (release/*), not a ref';
  try {
    picomatch(pattern);
    return undefined;
  } catch (error) {
    return `is not a glob pattern: ${(error as Error).message}`;
  }
}

/** Whether a branch (a name, not `refs/heads/…`) is one of `patterns` (picomatch globs: `*` stays inside one `/` segment). */
export function branchMatches(patterns: readonly string[], branch: string): boolean {
  return patterns.length > 0 && picomatch.isMatch(branch, [...patterns], { dot: true });
}

export interface BranchEnvironment {
  buildUuid: BuildUuid;
  /** The default branch's environment is the repository's fallback. */
  isDefault: boolean;
}

/**
 * The environment a branch gets, or undefined when none: the default branch always has the repository's
 * fallback (its uuid, `main` by default); another branch has one when it matches `branches`.
 */
export function branchEnvironment(
  repository: { fallback: BuildUuid; branches: readonly string[] },
  branch: string,
  defaultBranch: string,
): BranchEnvironment | undefined {
  if (branch === defaultBranch) return { buildUuid: repository.fallback, isDefault: true };
  if (!branchMatches(repository.branches, branch)) return undefined;
  return { buildUuid: branchBuildUuid(branch), isDefault: false };
}
