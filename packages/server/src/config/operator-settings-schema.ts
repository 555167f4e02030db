import { CacheSpecSchema, RegistrySpecSchema, SecretSchema } from '@deployer/deploy';
import { z } from 'zod';

/**
 * Variables the server itself reads as secrets: never a build's secret, however the config names them,
 * and removed from the environment engine processes inherit (`deployer serve`) once read.
 */
export const serverSecretVariables = [
  'DEPLOYER_API_TOKEN',
  'DEPLOYER_WEBHOOK_SECRET',
  'DATABASE_URL',
] as const;
const serverVariables = new Set<string>(serverSecretVariables);

// BuildKit and buildah read `--secret …,src=<path>` as comma-separated fields.
const absoluteSafePath = /^\/[^,"\n\r]*$/;

/** A secret the operator gives builds of one repository, by the id specs use. */
export const OperatorSecretSchema = z
  .strictObject({
    id: SecretSchema.shape.id.describe('The id specs and Dockerfiles use (RUN --mount=type=secret,id=…).'),
    env: SecretSchema.shape.env
      .unwrap()
      .refine((name) => !serverVariables.has(name), {
        message: "is one of the server's own variables, never given to a build",
      })
      .optional()
      .describe("The server's environment variable holding the value."),
    file: z
      .string()
      .regex(absoluteSafePath, 'must be an absolute path without a comma, quote or line break')
      .optional()
      .describe('A file on the server holding the value (absolute path).'),
    pullRequests: z
      .boolean()
      .default(false)
      .describe(
        "Give this secret to pull requests' builds too (default: only the fallback's, i.e. the default branch). A secret given to a build can end up in its image and cache.",
      ),
  })
  .refine((secret) => (secret.env === undefined) !== (secret.file === undefined), {
    message: 'a secret names exactly one source: `env` or `file`',
  });

/** Where a repository's images and caches go, and which secrets its builds may use: the operator's alone. */
export const operatorSettingsShape = {
  registry: RegistrySpecSchema.describe(
    "Where this repository's images are pushed: <host>/<repository>/<service>. A spec's own `registry` is never read.",
  ),
  cache: CacheSpecSchema.omit({ sharedExport: true })
    .optional()
    .describe(
      "Where and how this repository's build caches live; default: beside the images. A spec's own `cache` is never read.",
    ),
  secrets: z
    .array(OperatorSecretSchema)
    .default([])
    .superRefine((secrets, ctx) => {
      const seen = new Set<string>();
      secrets.forEach((secret, index) => {
        if (seen.has(secret.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `secret id ${JSON.stringify(secret.id)} is listed twice`,
            input: secret.id,
          });
        }
        seen.add(secret.id);
      });
    })
    .describe('The only secrets builds of this repository may use, looked up by the id a spec names.'),
};

export type OperatorSecret = z.output<typeof OperatorSecretSchema>;
