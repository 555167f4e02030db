import { isAbsolute } from 'node:path';
import { parseDuration } from '@deployer/deploy';
import { z } from 'zod';
import { serverSecretVariables } from './operator-settings-schema.js';

/** What an outgoing hook can be told: a build succeeded, a build failed, an environment was torn down. */
export const hookEvents = ['built', 'failed', 'torn_down'] as const;
export type HookEventName = (typeof hookEvents)[number];

const serverVariables = new Set<string>(serverSecretVariables);

/**
 * Plain http:// only to this machine: a receiver in the server's own pod or host (a sidecar) and tests.
 * Anywhere else the signed body (images, digests, repositories) would cross a network in clear text and
 * could be read or replayed; https:// is required.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Why a hook URL is refused, or undefined. */
export function hookUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL, https://host/path';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must be https:// (http:// only to a loopback address, 127.0.0.1, [::1] or localhost: a sidecar or a test)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  // The URL is stored and shown by the API: a password in it would be too.
  if (url.username !== '' || url.password !== '') {
    return 'must not carry credentials (user:password@); receivers verify the signature instead';
  }
  if (url.hash !== '') return 'must not have a #fragment';
  return undefined;
}

export const HookConfigSchema = z
  .strictObject({
    url: z
      .string()
      .superRefine((value, ctx) => {
        const problem = hookUrlProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
      })
      .describe(
        'Where the hook is POSTed: https://… (http:// only to a loopback address, for a sidecar or tests). No credentials in it.',
      ),
    events: z
      .array(z.enum(hookEvents, { error: `must be one of ${hookEvents.join(', ')}` }))
      .min(1, 'must list at least one event (or leave events out for all)')
      .default([...hookEvents])
      .describe('Which events call this hook: built, failed, torn_down (default all).'),
    secretEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable (letters, digits, _)')
      .refine((name) => !serverVariables.has(name), {
        message: "is one of the server's own variables; give each hook a secret of its own",
      })
      .describe(
        "The name of the server's environment variable holding the hook's HMAC secret (X-Deployer-Signature-256). The secret itself never goes in this file.",
      ),
    repositories: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'must list at least one repository (or leave repositories out for all)')
      .optional()
      .describe("Only these repositories' environments call this hook (default all)."),
    caFile: z
      .string()
      .refine((path) => isAbsolute(path), { message: 'must be an absolute path' })
      .optional()
      .describe(
        "A PEM file of the certificate authorities to trust for this hook's https:// (a private CA).",
      ),
    timeout: z
      .string()
      .default('10s')
      .superRefine((value, ctx) => {
        try {
          parseDuration(value, 'timeout');
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
        }
      })
      .describe('How long one attempt may take, e.g. 10s (default 10s).'),
    attempts: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(10, 'must be at most 10')
      .default(5)
      .describe('Requests in all, the first included, before a delivery is recorded failed (default 5).'),
  })
  .transform((hook) => ({ ...hook, timeoutMs: parseDuration(hook.timeout, 'timeout') }));

export type HookConfig = z.output<typeof HookConfigSchema>;

/** The server config's `hooks:` key. */
export const hooksShape = {
  hooks: z
    .array(HookConfigSchema)
    .default([])
    .describe(
      "Outgoing hooks: HTTPS endpoints POSTed a signed JSON body when an environment is built, failed or torn down (the platform's deploy step).",
    ),
};

interface ConfigForHookChecks {
  repositories: ReadonlyArray<{ name: string; secrets: ReadonlyArray<{ env?: string | undefined }> }>;
  hooks: readonly HookConfig[];
}

/**
 * The rules between hooks and the rest of the config: a repository filter names configured repositories
 * (a misspelt one would silently never fire), no build is given a hook's signing secret (it could forge
 * deliveries), and each URL is one hook (a delivery is recorded per hook URL).
 */
export function checkHooks<T>(config: ConfigForHookChecks, ctx: z.core.$RefinementCtx<T>): void {
  const names = new Set(config.repositories.map((repository) => repository.name.toLowerCase()));
  const buildVariables = new Set(
    config.repositories.flatMap((repository) => repository.secrets.map((secret) => secret.env)),
  );
  const urls = new Map<string, number>();
  config.hooks.forEach((hook, index) => {
    hook.repositories?.forEach((name, at) => {
      if (!names.has(name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['hooks', index, 'repositories', at],
          message: `${JSON.stringify(name)} is not one of the configured repositories`,
          input: name,
        });
      }
    });
    if (buildVariables.has(hook.secretEnv)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hooks', index, 'secretEnv'],
        message: `${hook.secretEnv} is also a build secret's variable; a hook's signing secret is never given to a build`,
        input: hook.secretEnv,
      });
    }
    const first = urls.get(hook.url);
    if (first === undefined) urls.set(hook.url, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['hooks', index, 'url'],
        message: `is hooks[${first}]'s too; list each URL once, with every event it wants`,
        input: hook.url,
      });
    }
  });
}
