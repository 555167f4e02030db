/** Values the command line or the process environment put over the spec's own. */
export interface EnvironmentOverrides {
  /** Image registry `host[:port]` (replaces `registry.host`). */
  registry?: string;
  /** Cache registry `host[:port]` (replaces `cache.registry`); default: `registry` when that is given. */
  cacheRegistry?: string;
  /** `auto`, a built-in engine or a config module's; shaped like the spec's `engine`, checked by the assembly. */
  engine?: string;
  /** Registries reached over plain HTTP: the image or cache registry is insecure when listed. */
  insecureRegistries?: readonly string[];
}

/**
 * Overrides from environment variables: `DEPLOYER_REGISTRY`, `DEPLOYER_CACHE_REGISTRY`, `DEPLOYER_ENGINE`
 * and `DEPLOYER_INSECURE_REGISTRIES` (comma-separated). Flags should win over these: spread flags last.
 */
export function overridesFromEnv(env: Readonly<Record<string, string | undefined>>): EnvironmentOverrides {
  const overrides: EnvironmentOverrides = {};
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const registry = value('DEPLOYER_REGISTRY');
  const cacheRegistry = value('DEPLOYER_CACHE_REGISTRY');
  const engine = value('DEPLOYER_ENGINE');
  const insecure = value('DEPLOYER_INSECURE_REGISTRIES');
  if (registry !== undefined) overrides.registry = registry;
  if (cacheRegistry !== undefined) overrides.cacheRegistry = cacheRegistry;
  if (engine !== undefined) overrides.engine = engine;
  if (insecure !== undefined) {
    overrides.insecureRegistries = insecure
      .split(',')
      .map((host) => host.trim())
      .filter((host) => host !== '');
  }
  return overrides;
}

/** Applies overrides to the raw (unvalidated) document, so they are validated like the spec itself. */
export function applyOverrides(
  raw: unknown,
  overrides: EnvironmentOverrides,
): { doc: unknown; paths: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { doc: raw, paths: [] };
  const doc: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const paths: string[] = [];
  const section = (key: string): Record<string, unknown> => {
    const current = doc[key];
    const copy =
      typeof current === 'object' && current !== null && !Array.isArray(current)
        ? { ...(current as Record<string, unknown>) }
        : {};
    doc[key] = copy;
    return copy;
  };
  if (overrides.registry !== undefined) {
    section('registry').host = overrides.registry;
    paths.push('registry.host');
  }
  // The image registry's override moves the caches too, unless they have one of their own: a spec that
  // names a cache host would otherwise still decide where leases, seeding and cache exports go.
  const cacheRegistry = overrides.cacheRegistry ?? overrides.registry;
  if (cacheRegistry !== undefined) {
    section('cache').registry = cacheRegistry;
    paths.push('cache.registry');
  }
  if (overrides.engine !== undefined) {
    doc.engine = overrides.engine;
    paths.push('engine');
  }
  return { doc, paths };
}
