import type { CacheStrategy } from '@deployer/contracts';
import * as z from 'zod';
import { CacheRefError } from '../errors.js';
import { validateRegistryHost, validateRepositoryPath } from '../grammar/reference.js';
import { RegistryKindSchema, RegistryProfileOverrideSchema } from './registry-profiles.js';
import type { SameType } from './same-type.js';

function accepts(check: (value: string) => unknown) {
  return (value: string, ctx: z.RefinementCtx) => {
    try {
      check(value);
    } catch (error) {
      if (!(error instanceof CacheRefError)) throw error;
      ctx.addIssue({ code: 'custom', message: `${error.part}: ${error.rule}` });
    }
  };
}

export const CacheStrategySchema = z
  .enum(['auto', 'path', 'tag'])
  .describe(
    'path: <registry>/<repository>/<service>/<uuid>:cache; tag: <registry>/<repository>:cache-<service>-<uuid>; auto: from the registry profile',
  );
// @deployer/contracts owns `CacheStrategy` (and `ResolvedStrategy`, `auto` decided); the schema accepts exactly it.
const _schemaAcceptsContractStrategy: SameType<z.output<typeof CacheStrategySchema>, CacheStrategy> = true;

/** Where and how an environment's build cache lives. */
export const CacheConfigSchema = z
  .strictObject({
    registry: z
      .string()
      .superRefine(accepts(validateRegistryHost))
      .describe('host[:port] of the registry that holds the cache refs'),
    repository: z
      .string()
      .superRefine(accepts(validateRepositoryPath))
      .optional()
      .describe('repository path for cache refs, e.g. "cache/shop"; defaults to the image repository'),
    kind: RegistryKindSchema.optional().describe('registry kind; detected from the host when absent'),
    profile: RegistryProfileOverrideSchema.optional().describe(
      'overrides single registry profile properties',
    ),
    strategy: CacheStrategySchema.default('auto'),
    mode: z
      .enum(['max', 'min'])
      .default('max')
      .describe('BuildKit cache export mode; registries that refuse max get inline cache'),
    insecure: z.boolean().default(false).describe('the registry speaks plain HTTP'),
    sharedExport: z
      .boolean()
      .default(false)
      .describe('without a build uuid, export to the service-wide ref (several writers: opt in knowingly)'),
  })
  .describe('deployer cache configuration');

export type CacheConfig = z.output<typeof CacheConfigSchema>;
export type CacheConfigInput = z.input<typeof CacheConfigSchema>;

/** The JSON Schema of the cache configuration, for editors and documentation. */
export function cacheConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(CacheConfigSchema, { io: 'input' }) as Record<string, unknown>;
}

/** Parses a cache configuration, throwing a CacheRefError that names the offending path. */
export function parseCacheConfig(input: unknown): CacheConfig {
  const result = CacheConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new CacheRefError('INVALID_CONFIG', {
    part: `cache config ${path}`,
    rule: issue.message,
    input: JSON.stringify(input) ?? String(input),
  });
}
