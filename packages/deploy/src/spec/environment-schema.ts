import { CacheConfigSchema, validateRegistryHost, validateRepositoryPath } from '@deployer/cache-ref';
import { engineNamePattern } from '@deployer/contracts';
import * as z from 'zod';
import { BuildUuidError } from '../errors.js';
import { isContentTag } from '../plan/content-tag-shape.js';
import { isOwnershipTag } from '../plan/ownership-tag.js';
import { buildUuidMaxLength, validateBuildUuid } from '../uuid/build-uuid.js';

/** Turns a throwing validator (cache-ref's, ours) into a zod refinement keeping its message. */
function accepts(check: (value: string) => unknown) {
  return (value: string, ctx: z.RefinementCtx) => {
    try {
      check(value);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  };
}

export const serviceNamePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export const ServiceNameSchema = z.string().max(63).regex(serviceNamePattern, {
  message: 'service names are lower-case letters and digits separated by ".", "_" or "-"',
});

/**
 * The spec's edge for build uuids (its `fallbacks`, and the server config's `fallback`): validated once
 * here, the output a BuildUuid that everything past the spec takes without checking again.
 */
const BuildUuidSchema = z
  .string()
  .max(buildUuidMaxLength)
  .transform((value, ctx) => {
    try {
      return validateBuildUuid(value, 'build uuid');
    } catch (error) {
      if (!(error instanceof BuildUuidError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

// BuildKit and buildah read `--secret id=…,src=<path>` as comma-separated fields: a comma, quote or line
// break in the path would change what they read.
export const secretFileSafe = /^[^,"\n\r]+$/;
export const secretFileRule =
  'secret file paths cannot contain a comma, quote or line break: BuildKit reads --secret as comma-separated fields';

const literalSecretMessage =
  'secrets are references, never literal values: use `env: VARIABLE` or `file: path` instead of `value`';

export const SecretSchema = z
  .strictObject(
    {
      id: z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'secret ids are letters, digits, ".", "_", "-"' }),
      env: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .optional()
        .describe('environment variable to read'),
      file: z
        .string()
        .min(1)
        .regex(secretFileSafe, { message: secretFileRule })
        .optional()
        .describe("file to read, relative to the spec file; inside the spec's root"),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' && issue.keys.includes('value') ? literalSecretMessage : undefined,
    },
  )
  .refine((secret) => (secret.env === undefined) !== (secret.file === undefined), {
    message: 'a secret names exactly one source: `env` or `file`',
  })
  .describe('A build secret (RUN --mount=type=secret,id=…), read from an environment variable or a file');

/** A service's secrets, each id once: `RUN --mount=type=secret,id=…` names one, and engines refuse repeats. */
const SecretsSchema = z
  .array(SecretSchema)
  .superRefine((secrets, ctx) => {
    const first = new Map<string, number>();
    for (const [index, secret] of secrets.entries()) {
      const earlier = first.get(secret.id);
      if (earlier === undefined) first.set(secret.id, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `secret id ${JSON.stringify(secret.id)} is already used by secrets[${earlier}]: each id names one secret of the service`,
        });
    }
  })
  .default([]);

/**
 * A Dockerfile stage name as `FROM … AS <name>` takes it. Also what keeps a target from reading as a flag
 * (`--output=…`) or as more than one value wherever an engine is handed it.
 */
export const stageNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const stageNameRule =
  'stage names are letters, digits, "_", "-" and ".", starting with a letter or digit, at most 128 characters';

/**
 * A Dockerfile ARG name, the only names `${NAME}` can refer to: a build argument named otherwise
 * (`A=B --output x`) reaches no ARG, and its `=` or spaces would change what an engine reads.
 */
export const buildArgNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const buildArgNameRule =
  'build argument names are ARG names: letters, digits and "_", not starting with a digit';

const BuildArgValueSchema = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the spec's own reference syntax, shown to users
  .describe('literal, or ${registry.host}, ${registry.repository}, ${services.<name>.image}');

export const ServiceSchema = z
  .strictObject({
    context: z
      .string()
      .min(1)
      .default('.')
      .describe("build context directory, relative to the spec file; inside the spec's root"),
    dockerfile: z
      .string()
      .min(1)
      .optional()
      .describe("Dockerfile path relative to the context; default `Dockerfile`; inside the spec's root"),
    target: z
      .string()
      .regex(stageNamePattern, { message: stageNameRule })
      .optional()
      .describe('build stage to stop at'),
    args: z
      .record(z.string().regex(buildArgNamePattern, { message: buildArgNameRule }), BuildArgValueSchema)
      .default({})
      .describe('build arguments'),
    secrets: SecretsSchema,
    dependsOn: z.array(ServiceNameSchema).default([]).describe('services built (and pushed) first'),
    tag: z
      .string()
      .regex(/^[\w][\w.-]{0,127}$/)
      // A content tag is reused (its service skipped) because it names its content: a fixed tag of that
      // shape would make another build skip onto this image.
      .refine((tag) => !isContentTag(tag), {
        message:
          'a fixed tag cannot look like a content tag (64 hex digits): those name the content deployer built them from; use a version such as v1.4.0, or --git-sha',
      })
      // An ownership tag records which environment used which content: `down` removes them by name.
      .refine((tag) => !isOwnershipTag(tag), {
        message:
          'a fixed tag cannot look like an ownership tag (<build uuid>.<64 hex digits>): down and cache gc remove those; use a version such as v1.4.0',
      })
      .optional()
      .describe(
        'fixed image tag instead of the content digest, e.g. v1.4.0 (never 64 hex digits, nor <build uuid>.<64 hex digits>); refused under deployer serve, where tags are the build uuid, the content tag and the ownership tag',
      ),
  })
  .describe('One image of the environment');

export const RegistrySpecSchema = z
  .strictObject({
    host: z.string().superRefine(accepts(validateRegistryHost)).describe('host[:port] images are pushed to'),
    repository: z
      .string()
      .superRefine(accepts(validateRepositoryPath))
      .describe('repository prefix; images go to <host>/<repository>/<service>'),
    insecure: z.boolean().default(false).describe('the registry speaks plain HTTP'),
  })
  .describe('Where images are pushed');

/** cache-ref's configuration, with registry and repository defaulted from the image registry. */
export const CacheSpecSchema = CacheConfigSchema.extend({
  registry: CacheConfigSchema.shape.registry.optional().describe('default: registry.host'),
  repository: CacheConfigSchema.shape.repository.describe('default: <registry.repository>/cache'),
  insecure: z.boolean().optional().describe('default: registry.insecure when the cache shares its host'),
}).describe('Where and how build caches live (@deployer/cache-ref); default: beside the images');

/**
 * The name's shape only: which engines exist is the assembly's to say (a config module may register more
 * than the built-in ones), and it refuses an unknown one before anything starts, listing the registered names.
 */
export const EngineChoiceSchema = z
  .string()
  .regex(engineNamePattern, {
    message:
      'must be auto, buildkit, buildx, buildah or an engine a config module registers (lower-case letters, digits and dashes)',
  })
  .describe(
    "build engine: auto (picks what is available), buildkit, buildx, buildah, or a config module's engine",
  );

export const EnvironmentSpecSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors'),
    registry: RegistrySpecSchema,
    cache: CacheSpecSchema.optional(),
    engine: EngineChoiceSchema.default('auto'),
    fallbacks: z
      .array(BuildUuidSchema)
      // A prefault, not a default: parsed like a given value, and kept in the JSON schema, which drops
      // the defaults of transforming schemas.
      .prefault([])
      .describe('environments whose caches warm this one, in priority order, e.g. [main]'),
    services: z
      .record(ServiceNameSchema, ServiceSchema)
      .refine((services) => Object.keys(services).length > 0, { message: 'at least one service is required' })
      .describe('services by name'),
  })
  .describe('A deployer environment: the images it builds and where their caches live');

export type EnvironmentSpecInput = z.input<typeof EnvironmentSpecSchema>;
export type EnvironmentSpec = z.output<typeof EnvironmentSpecSchema>;
export type ServiceSpec = z.output<typeof ServiceSchema>;
