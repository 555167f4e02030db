import type { CachePlan } from '@deployer/contracts';
import type { RenderOptions } from './buildkit-flags.js';

export interface BuildahCacheOptions {
  /** `--cache-from` repositories, in priority order. */
  cacheFrom: string[];
  /** The `--cache-to` repository; null when the plan writes nothing. */
  cacheTo: string | null;
}

/** buildah caches layers per repository (one tag per cache key), so it takes repositories, not tags. */
export function renderBuildahCache(plan: CachePlan, options: RenderOptions = {}): BuildahCacheOptions {
  const skip = new Set(options.withoutImports ?? []);
  return {
    cacheFrom: plan.imports
      .filter((endpoint) => !skip.has(endpoint.ref))
      .map((endpoint) => endpoint.repository),
    cacheTo: plan.export?.repository ?? null,
  };
}

/** buildah argv: `--layers --cache-to R --cache-from R …`. */
export function buildahCacheArgs(plan: CachePlan, options: RenderOptions = {}): string[] {
  const rendered = renderBuildahCache(plan, options);
  return [
    '--layers',
    ...(rendered.cacheTo === null ? [] : ['--cache-to', rendered.cacheTo]),
    ...rendered.cacheFrom.flatMap((repository) => ['--cache-from', repository]),
  ];
}

/**
 * buildah's `--cache-to` tags each cached step's image with the step's cache key, a 64-hex SHA-256. Those
 * images are ordinary images, so in an environment's cache repository this shape is what marks a cache
 * tag; `down` and `cache gc` leave any other tag there alone.
 */
export function isBuildahCacheTag(tag: string): boolean {
  return /^[0-9a-f]{64}$/.test(tag);
}
