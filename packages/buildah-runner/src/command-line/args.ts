import { resolve } from 'node:path';
import type { EngineBuildRequest } from '@deployer/contracts';
import type { Isolation } from '../engine/options.js';
import { BuildahError } from '../failures/errors.js';

export type BuildArgsRequest = Pick<
  EngineBuildRequest,
  'contextDir' | 'dockerfile' | 'target' | 'buildArgs' | 'secrets' | 'labels' | 'platforms' | 'images'
>;

export interface BuildArgsContext {
  isolation: Isolation;
  /** The one repository for `--cache-from`: buildah 1.28 keeps only the last `--cache-from` given. */
  cacheFrom: string | null;
  /** The repository for `--cache-to`; null when the plan writes nothing. */
  cacheTo: string | null;
  iidFile: string;
  authFile: string | null;
  retryDelayMs?: number;
  jobs?: number;
}

/**
 * `buildah build` argv. Every flag takes the `--flag=value` form so a value starting with `-` is never
 * read as a flag. Secrets travel as `id=…,env=VAR` or `id=…,src=FILE`: the value itself never appears.
 */
export function buildahBuildArgs(request: BuildArgsRequest, context: BuildArgsContext): string[] {
  const platforms = request.platforms ?? [];
  if (platforms.length > 1) {
    throw new BuildahError(
      'UNSUPPORTED_REQUEST',
      `the buildah engine builds one platform per build, not ${platforms.join(', ')}: use the buildkit engine for multi-platform images`,
      { kind: 'user' },
    );
  }
  return [
    'build',
    `--isolation=${context.isolation}`,
    '--layers',
    `--file=${resolve(request.contextDir, request.dockerfile)}`,
    `--iidfile=${context.iidFile}`,
    ...(context.authFile === null ? [] : [`--authfile=${context.authFile}`]),
    ...(context.retryDelayMs === undefined ? [] : [`--retry-delay=${context.retryDelayMs}ms`]),
    ...(context.jobs === undefined ? [] : [`--jobs=${context.jobs}`]),
    ...platforms.map((platform) => `--platform=${platform}`),
    ...(request.target === undefined ? [] : [`--target=${request.target}`]),
    ...Object.entries(request.buildArgs ?? {}).map(([key, value]) => `--build-arg=${key}=${value}`),
    ...Object.entries(request.labels ?? {}).map(([key, value]) => `--label=${key}=${value}`),
    ...(request.secrets ?? []).map((secret) =>
      'env' in secret
        ? `--secret=id=${secret.id},env=${secret.env}`
        : `--secret=id=${secret.id},src=${secret.file}`,
    ),
    ...(context.cacheTo === null ? [] : [`--cache-to=${context.cacheTo}`]),
    ...(context.cacheFrom === null ? [] : [`--cache-from=${context.cacheFrom}`]),
    ...request.images.map((image) => `--tag=${image}`),
    request.contextDir,
  ];
}
