import type { BuildUuid } from '@deployer/contracts';
import { parseDuration, validateBuildUuid } from '@deployer/deploy';
import { validateCloneUrl } from '@deployer/git-checkout';
import { z } from 'zod';
import { branchBuildUuidPattern, branchPatternProblem } from './branch-environment.js';
import { GitHubFeedbackSchema, githubCredentialIssues } from './github-feedback-schema.js';
import { checkHooks, hooksShape } from './hooks-schema.js';
import { operatorSettingsShape } from './operator-settings-schema.js';
import { specPathProblem } from './spec-path-rule.js';

/** A check written as a throwing function, as a zod refinement whose message is the thrown error's. */
function checkedBy(check: (value: string) => unknown) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    try {
      check(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
    }
  };
}

/**
 * The config's edge for a build uuid: deploy's rule, once, as a zod transform whose output is a BuildUuid
 * (everything past the config takes it unchecked); a bad one is an issue with the rule's message.
 */
function buildUuidFrom(source: string) {
  return (value: string, ctx: z.core.$RefinementCtx<string>): BuildUuid => {
    try {
      return validateBuildUuid(value, source);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  };
}

const RepositoryConfigSchema = z
  .strictObject({
    name: z
      .string()
      // Not `.` or `..` as the name: the worker's work folders are named after the repository.
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9-]*\/(?!\.\.?$)[A-Za-z0-9._-]+$/,
        'must be a GitHub full name, owner/name',
      )
      .describe('The repository as GitHub names it, owner/name (matched case-insensitively).'),
    cloneUrl: z
      .string()
      .superRefine(checkedBy(validateCloneUrl))
      .optional()
      .describe(
        'Where the worker fetches commits: https://, ssh://, user@host:path or file:///. Default https://github.com/<name>.git.',
      ),
    spec: z
      .string()
      .min(1, 'must name the environment spec file')
      .superRefine((value, ctx) => {
        const problem = specPathProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
      })
      .describe('The environment spec inside the repository, relative to its root, e.g. deploy/env.yaml.'),
    fallback: z
      .string()
      .transform(buildUuidFrom('fallback'))
      // Branch environments' uuids have this shape: a fallback of it could be one of theirs.
      .refine((value) => !branchBuildUuidPattern.test(value), {
        message: 'must not look like a branch environment (branch-…-<10 hex>)',
      })
      // A prefault, not a default: parsed like a given value (so validated too), and kept in the JSON
      // schema, which drops the defaults of transforming schemas.
      .prefault('main')
      .describe(
        "The build uuid of the repository's fallback environment, built on pushes to the default branch.",
      ),
    branches: z
      .array(
        z
          .string()
          .min(1, 'must not be empty')
          .superRefine((value, ctx) => {
            const problem = branchPatternProblem(value);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
          }),
      )
      .default([])
      .describe(
        'Branches (names or globs, e.g. release/*) whose pushes build an environment of their own, which pull requests into them warm from. The default branch always builds the fallback.',
      ),
    mergeHold: z
      .string()
      .default('30m')
      .superRefine(checkedBy((value) => parseDuration(value, 'mergeHold')))
      .describe(
        "How long at most a merged pull request's environment is kept for its base branch's next build to warm from, e.g. 30m.",
      ),
    label: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe('Build only pull requests that carry this label; removing it tears the environment down.'),
    ttl: z
      .string()
      .default('14d')
      .superRefine(checkedBy((value) => parseDuration(value, 'ttl')))
      .describe('How long an idle pull request environment lives, e.g. 14d, 12h.'),
    keepLabel: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe('Pull requests with this label are never removed for their age.'),
    ...operatorSettingsShape,
    github: GitHubFeedbackSchema.optional().describe(
      "GitHub feedback on this repository's pull requests (check runs or statuses, a comment, deployments); off unless present.",
    ),
  })
  .transform((repository) => ({
    ...repository,
    cloneUrl: repository.cloneUrl ?? `https://github.com/${repository.name}.git`,
    /** `ttl` in milliseconds. */
    ttlMs: parseDuration(repository.ttl, 'ttl'),
    /** `mergeHold` in milliseconds. */
    mergeHoldMs: parseDuration(repository.mergeHold, 'mergeHold'),
  }));

export const ServerConfigSchema = z
  .strictObject({
    repositories: z
      .array(RepositoryConfigSchema)
      .min(1, 'must list at least one repository')
      .describe('The repositories whose pull requests get preview environments.'),
    pages: z
      .strictObject({
        public: z
          .boolean()
          .default(false)
          .describe(
            "Show builds' failure text (errors, failed services' reasons, steps and log tails) on the status pages to everyone, not only to signed-in operators. Default false: anyone who can open a pull request may read the pages.",
          ),
      })
      .default({ public: false })
      .describe('The status pages.'),
    ...hooksShape,
  })
  .superRefine((config, ctx) => {
    githubCredentialIssues(config.repositories, ctx);
    const seen = new Map<string, number>();
    // One repository's pull requests never write into another's image repositories.
    const images = new Map<string, number>();
    config.repositories.forEach((repository, index) => {
      const key = repository.name.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['repositories', index, 'name'],
          message: `${JSON.stringify(repository.name)} is listed twice (first at repositories[${first}]); repository names are unique, case-insensitively`,
          input: repository.name,
        });
      }
      const where = `${repository.registry.host}/${repository.registry.repository}`.toLowerCase();
      const sharing = images.get(where);
      if (sharing === undefined) images.set(where, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['repositories', index, 'registry', 'repository'],
          message: `${where} is repositories[${sharing}]'s too; each repository's images go to a repository of their own`,
          input: repository.registry.repository,
        });
      }
    });
    checkHooks(config, ctx);
  });

/** The server config as written (YAML), defaults optional. */
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;
/** The server config with every default filled in. */
export type ServerConfig = z.output<typeof ServerConfigSchema>;
export type RepositoryConfig = ServerConfig['repositories'][number];
