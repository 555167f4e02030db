import { z } from 'zod';
import { serverSecretVariables } from './operator-settings-schema.js';

const serverVariables = new Set<string>(serverSecretVariables);

/** A variable's name (never its value): the credential stays in the server's environment. */
const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _)')
  .refine((name) => !serverVariables.has(name), {
    message: "is one of the server's own variables (DEPLOYER_API_TOKEN, …), never sent to GitHub",
  });

/** https://, or http:// to this machine only (a test's mock): a token never crosses a network in the clear. */
function apiUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL, e.g. https://api.github.com or https://ghe.example.com/api/v3';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  if (url.protocol === 'https:') return undefined;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback) return undefined;
  return 'must be https:// (http:// only to 127.0.0.1, localhost or [::1])';
}

function httpUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
    if (url.username !== '' || url.password !== '') return 'must not carry credentials';
    return undefined;
  } catch {
    return "must be the server's public URL, e.g. https://deployer.example.com";
  }
}

function urlRule(problemOf: (value: string) => string | undefined) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    const problem = problemOf(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  };
}

/**
 * GitHub feedback for one repository's pull requests: a check run (or commit status) per build, one
 * comment kept up to date, optionally deployments. Off unless present. Credentials are named, never
 * written here: a GitHub App (`appId` and its private key's file or variable) or a token's variable.
 */
export const GitHubFeedbackSchema = z
  .strictObject({
    appId: z
      .number()
      .int('must be a whole number')
      .positive('must be a GitHub App id')
      .optional()
      .describe("The GitHub App's id: the server authenticates as the App, with installation tokens."),
    privateKeyFile: z
      .string()
      .regex(/^\//, 'must be an absolute path')
      .optional()
      .describe("A file on the server holding the App's private key (PEM)."),
    privateKeyEnv: variableName
      .optional()
      .describe("The server's environment variable holding the App's private key (PEM)."),
    installationId: z
      .number()
      .int('must be a whole number')
      .positive('must be an installation id')
      .optional()
      .describe("The App's installation on this repository; default: looked up for the repository."),
    tokenEnv: variableName
      .optional()
      .describe(
        "Instead of an App: the server's environment variable holding a token (needs checks or statuses, pull requests/issues and deployments write as configured).",
      ),
    apiUrl: z
      .string()
      .default('https://api.github.com')
      .superRefine(urlRule(apiUrlProblem))
      .transform((value) => value.replace(/\/+$/, ''))
      .describe('The GitHub REST API, e.g. https://ghe.example.com/api/v3 for GitHub Enterprise Server.'),
    report: z
      .enum(['check-run', 'commit-status', 'none'])
      .default('check-run')
      .describe(
        "Each build on the pull request's head commit: a check run (needs checks write, an App), a commit status (needs statuses write; for tokens without checks), or none.",
      ),
    name: z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .default('deployer')
      .describe("The check run's name, or the commit status's context."),
    comment: z
      .boolean()
      .default(true)
      .describe('One comment on the pull request, updated in place: build uuid, services, images, the link.'),
    deployments: z
      .boolean()
      .default(false)
      .describe(
        'GitHub deployments with the build uuid as environment: in progress, success or failure, inactive once torn down.',
      ),
    statusUrl: z
      .string()
      .superRefine(urlRule(httpUrlProblem))
      .transform((value) => value.replace(/\/+$/, ''))
      .optional()
      .describe(
        "The server's public URL: links go to <statusUrl>/environments/<build uuid>. Without it nothing links.",
      ),
  })
  .superRefine((github, ctx) => {
    const app = github.appId !== undefined;
    const keys = [github.privateKeyFile, github.privateKeyEnv].filter((key) => key !== undefined).length;
    if (app && github.tokenEnv !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tokenEnv'],
        message: 'authenticate either as a GitHub App (appId) or with a token (tokenEnv), not both',
        input: github.tokenEnv,
      });
    } else if (!app && github.tokenEnv === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'needs credentials: appId with privateKeyFile or privateKeyEnv, or tokenEnv',
        input: github,
      });
    }
    if (app && keys !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['appId'],
        message: 'a GitHub App names exactly one source of its private key: privateKeyFile or privateKeyEnv',
        input: github.appId,
      });
    }
    if (!app && (keys > 0 || github.installationId !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['appId'],
        message: 'privateKeyFile, privateKeyEnv and installationId belong to a GitHub App: set appId',
        input: github,
      });
    }
    if (github.report === 'check-run' && !app && github.tokenEnv !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['report'],
        message:
          'check runs can only be written by a GitHub App; with a token use report: commit-status (or none)',
        input: github.report,
      });
    }
  });

export type GitHubFeedbackConfig = z.output<typeof GitHubFeedbackSchema>;

interface WithGitHub {
  github?: GitHubFeedbackConfig | undefined;
  secrets: ReadonlyArray<{ env?: string | undefined; file?: string | undefined }>;
}

/** The variables holding GitHub credentials across the config: read by the server, never given to a build. */
export function githubCredentialVariables(config: {
  repositories: ReadonlyArray<{ github?: GitHubFeedbackConfig | undefined }>;
}): string[] {
  const names = config.repositories.flatMap((repository) => [
    ...(repository.github?.tokenEnv !== undefined ? [repository.github.tokenEnv] : []),
    ...(repository.github?.privateKeyEnv !== undefined ? [repository.github.privateKeyEnv] : []),
  ]);
  return [...new Set(names)];
}

/**
 * No build secret (of any repository) may be a GitHub credential: a pull request's build could print
 * it, and with it write to every repository the App or token reaches.
 */
export function githubCredentialIssues(
  repositories: readonly WithGitHub[],
  ctx: z.core.$RefinementCtx<unknown>,
): void {
  const variables = new Set(githubCredentialVariables({ repositories }));
  const files = new Set(
    repositories.flatMap((repository) =>
      repository.github?.privateKeyFile !== undefined ? [repository.github.privateKeyFile] : [],
    ),
  );
  repositories.forEach((repository, index) => {
    repository.secrets.forEach((secret, secretIndex) => {
      const path = ['repositories', index, 'secrets', secretIndex];
      if (secret.env !== undefined && variables.has(secret.env)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'env'],
          message: 'holds a GitHub credential (a github.tokenEnv or privateKeyEnv), never given to a build',
          input: secret.env,
        });
      }
      if (secret.file !== undefined && files.has(secret.file)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'file'],
          message: "is a GitHub App's private key (a github.privateKeyFile), never given to a build",
          input: secret.file,
        });
      }
    });
  });
}
