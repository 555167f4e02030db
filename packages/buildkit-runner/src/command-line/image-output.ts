import { parseImageReference, renderBuildkitCache } from '@deployer/cache-ref';
import type { BuildCommandRequest } from './validate-request.js';

export interface ImageOutput {
  /** Requested images, then the inline-cache names cache-ref asks for, without duplicates. */
  names: string[];
  /** Some name lives on a plain-HTTP registry. */
  insecure: boolean;
  importCache: string[];
  exportCache: string | null;
}

/** Where the image goes and which cache flags come with it; cache flags only ever from cache-ref. */
export function imageOutput(
  request: BuildCommandRequest,
  withoutImports: readonly string[] = [],
): ImageOutput {
  const cache = renderBuildkitCache(request.cache, { withoutImports });
  const names = [...new Set([...request.images, ...cache.additionalImageNames])];
  const insecureHosts = new Set(request.insecureRegistries ?? []);
  if (request.cache.insecure) insecureHosts.add(request.cache.registry);
  const insecure = names.some((name) => insecureHosts.has(parseImageReference(name).registry));
  return { names, insecure, importCache: cache.importCache, exportCache: cache.exportCache };
}

/** A CSV field for buildctl/buildx attribute lists; quoted when it holds a comma (several names). */
export function csvField(field: string): string {
  return field.includes(',') ? `"${field}"` : field;
}
