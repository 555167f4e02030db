import type { CachePlan } from '@deployer/contracts';

export interface BuildkitCacheOptions {
  /** `--import-cache` values, in priority order. */
  importCache: string[];
  /** The `--export-cache` value; null when the plan writes nothing. */
  exportCache: string | null;
  /** Inline cache travels in the image: push the image to the own cache ref as well. */
  additionalImageNames: string[];
}

export interface RenderOptions {
  /** Refs to leave out, e.g. an import found corrupt. */
  withoutImports?: readonly string[];
}

function attributes(entries: ReadonlyArray<readonly [string, string]>): string {
  return entries.map(([key, value]) => `${key}=${value}`).join(',');
}

/** The BuildKit cache flags of a plan (`buildctl --import-cache/--export-cache`, buildx `--cache-from/-to`). */
export function renderBuildkitCache(plan: CachePlan, options: RenderOptions = {}): BuildkitCacheOptions {
  // BuildKit's attribute is `registry.insecure`; a bare `insecure=true` is silently ignored.
  const insecure: Array<[string, string]> = plan.insecure ? [['registry.insecure', 'true']] : [];
  const skip = new Set(options.withoutImports ?? []);
  const importCache = plan.imports
    .filter((endpoint) => !skip.has(endpoint.ref))
    .map((endpoint) => attributes([['type', 'registry'], ['ref', endpoint.ref], ...insecure]));

  if (plan.export === null) return { importCache, exportCache: null, additionalImageNames: [] };
  if (plan.mode === 'inline') {
    return { importCache, exportCache: 'type=inline', additionalImageNames: [plan.export.ref] };
  }
  const exportAttributes = new Map<string, string>([
    ['type', 'registry'],
    ['ref', plan.export.ref],
    ['mode', plan.mode],
    ['oci-mediatypes', 'true'],
    ...Object.entries(plan.profile.exportAttributes),
    ...insecure,
    // A failed cache write must never fail a build whose image was pushed.
    ['ignore-error', 'true'],
  ]);
  return { importCache, exportCache: attributes([...exportAttributes]), additionalImageNames: [] };
}

/** The same as buildctl argv: `--export-cache V --import-cache V …`. */
export function buildctlCacheArgs(plan: CachePlan, options: RenderOptions = {}): string[] {
  const rendered = renderBuildkitCache(plan, options);
  return [
    ...(rendered.exportCache === null ? [] : ['--export-cache', rendered.exportCache]),
    ...rendered.importCache.flatMap((value) => ['--import-cache', value]),
  ];
}
