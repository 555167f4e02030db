import { CacheConfigSchema } from '@deployer/cache-ref';
import { cacheFlavours } from '@deployer/contracts';
import { z } from 'zod';

// The shape a config module's default export must have. Functions are checked as functions only: what
// they return is checked where it is used (an engine's `create` must give a BuildEngine-like object).
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'must be a function',
});

const EngineDefinitionSchema = z.looseObject({
  name: z.string(),
  cacheFlavour: z.enum(cacheFlavours),
  description: z.string().optional(),
  detect: fn.optional(),
  create: fn,
});

const LifecycleHooksSchema = z.strictObject({
  beforeBuild: fn.optional(),
  afterBuild: fn.optional(),
  afterTeardown: fn.optional(),
});

// The host, kind and profile are checked as the spec's `cache.registry`, `cache.kind` and `cache.profile`
// are: an entry the spec could not have written itself is refused when the config loads, not at a build.
const RegistryProfileEntrySchema = z.strictObject({
  host: CacheConfigSchema.shape.registry,
  kind: CacheConfigSchema.shape.kind,
  profile: CacheConfigSchema.shape.profile,
});

/** What a plugin gives (its object, or what its function returns). */
export const PluginConfigSchema = z.strictObject({
  engines: z.array(EngineDefinitionSchema).optional(),
  hooks: LifecycleHooksSchema.optional(),
  registryProfiles: z.array(RegistryProfileEntrySchema).optional(),
});

/** A config module's default export. */
export const DeployerConfigSchema = PluginConfigSchema.extend({
  plugins: z.array(z.union([fn, z.looseObject({})])).optional(),
});

/** `engines[0].name: expected string` and the like, one line per issue. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issuePath(issue.path)}: ` : ''}${issue.message}`)
    .join('; ');
}

function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`))
    .join('');
}
