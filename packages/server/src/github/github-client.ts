import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { GitHubFeedbackConfig } from '../config/github-feedback-schema.js';
import { GitHubFeedbackError } from './github-feedback-error.js';

const GitHubOctokit = Octokit.plugin(throttling, retry);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

/** What one request to GitHub may take before it counts as failed (GitHub unreachable or stalled). */
const requestTimeoutMs = 15_000;

/** How the client paces itself; tests shorten GitHub's recommended spacing and retry waits. */
export interface GitHubPacing {
  /** Between two writes (POST, PATCH, DELETE): GitHub asks for at least 1 s. */
  writeSpacingMs: number;
  /** Between two writes that notify people (comments): 3 s by default. */
  notifySpacingMs: number;
  /** A retry-after of n seconds waits n × this (1000: real seconds). */
  retryAfterUnitMs: number;
  /** Retries on rate limits (primary and secondary) before giving up. */
  rateLimitRetries: number;
  /** Retries on 5xx and network errors (plugin-retry). */
  serverErrorRetries: number;
}

export const defaultGitHubPacing: GitHubPacing = {
  writeSpacingMs: 1000,
  notifySpacingMs: 3000,
  retryAfterUnitMs: 1000,
  rateLimitRetries: 2,
  serverErrorRetries: 3,
};

/** Waits longer than this (a primary limit resetting in an hour) are not worth holding feedback for. */
const longestRetryAfterSeconds = 120;

export interface GitHubCredentials {
  /** Where tokenEnv and privateKeyEnv are read (`deployer serve` passes them apart from builds' environment). */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads privateKeyFile. */
  readFile: (path: string) => Promise<string>;
}

export interface GitHubClientOptions {
  repository: string;
  /** Names `repositories[i].github` in errors. */
  configPath: string;
  github: GitHubFeedbackConfig;
  credentials: GitHubCredentials;
  pacing?: Partial<GitHubPacing>;
  /** Rate limits met, for the logs (never a token). */
  onRateLimit?: (limit: {
    kind: 'primary' | 'secondary';
    retryAfterSeconds: number;
    retrying: boolean;
  }) => void;
}

export interface GitHubClient {
  /** The App's id when authenticated as an App (its comments carry it), else undefined. */
  readonly appId: number | undefined;
  /** An Octokit authenticated for the repository (an installation token, refreshed by auth-app, or the token). */
  octokit(): Promise<GitHubOctokit>;
}

/**
 * Reads the credentials the config names, at once: a missing variable or unreadable key file stops the
 * server at its start (naming the config path), never a build later.
 */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const { github, configPath } = options;
  const pacing = { ...defaultGitHubPacing, ...options.pacing };
  const [owner, repo] = options.repository.split('/') as [string, string];
  const base = {
    baseUrl: github.apiUrl,
    userAgent: 'deployer-server',
    request: { timeout: requestTimeoutMs },
    throttle: throttleOptions(options, pacing),
    retry: { retries: pacing.serverErrorRetries, retryAfterBaseValue: pacing.retryAfterUnitMs },
  };
  if (github.appId === undefined) {
    const token = readVariable(options.credentials.env, github.tokenEnv, `${configPath}.tokenEnv`);
    const octokit = new GitHubOctokit({ ...base, auth: token });
    return { appId: undefined, octokit: async () => octokit };
  }
  const privateKey = await readPrivateKey(options);
  const appId = github.appId;
  const forInstallation = (installationId: number) =>
    new GitHubOctokit({ ...base, authStrategy: createAppAuth, auth: { appId, privateKey, installationId } });
  if (github.installationId !== undefined) {
    const octokit = forInstallation(github.installationId);
    return { appId, octokit: async () => octokit };
  }
  // Looked up once with the App's JWT; a failed lookup is tried again by the next feedback.
  let installation: Promise<GitHubOctokit> | undefined;
  return {
    appId,
    octokit() {
      installation ??= (async () => {
        const app = new GitHubOctokit({ ...base, authStrategy: createAppAuth, auth: { appId, privateKey } });
        const { data } = await app.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
        return forInstallation(data.id);
      })();
      installation.catch(() => {
        installation = undefined;
      });
      return installation;
    },
  };
}

function throttleOptions(options: GitHubClientOptions, pacing: GitHubPacing) {
  const decide =
    (kind: 'primary' | 'secondary') =>
    (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < pacing.rateLimitRetries && retryAfter <= longestRetryAfterSeconds;
      options.onRateLimit?.({ kind, retryAfterSeconds: retryAfter, retrying });
      return retrying;
    };
  return {
    // Groups of this client alone: one repository's pacing never waits on another's module-wide queue.
    id: `deployer-${options.repository}`,
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.writeSpacingMs }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.notifySpacingMs }),
    retryAfterBaseValue: pacing.retryAfterUnitMs,
    onRateLimit: decide('primary'),
    onSecondaryRateLimit: decide('secondary'),
  };
}

function readVariable(
  env: Readonly<Record<string, string | undefined>>,
  name: string | undefined,
  path: string,
): string {
  const value = name === undefined ? undefined : env[name];
  if (value === undefined || value.trim() === '') {
    throw new GitHubFeedbackError('GITHUB_CREDENTIALS_MISSING', `${path}: the variable ${name} is not set`);
  }
  return value.trim();
}

async function readPrivateKey(options: GitHubClientOptions): Promise<string> {
  const { github, configPath } = options;
  let key: string;
  if (github.privateKeyEnv !== undefined) {
    key = readVariable(options.credentials.env, github.privateKeyEnv, `${configPath}.privateKeyEnv`);
  } else {
    const file = github.privateKeyFile ?? '';
    try {
      key = await options.credentials.readFile(file);
    } catch (error) {
      throw new GitHubFeedbackError(
        'GITHUB_CREDENTIALS_MISSING',
        `${configPath}.privateKeyFile: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  // Never the key in the message: only that it is not one.
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(key)) {
    const source = github.privateKeyEnv !== undefined ? 'privateKeyEnv' : 'privateKeyFile';
    throw new GitHubFeedbackError(
      'GITHUB_CREDENTIALS_MISSING',
      `${configPath}.${source}: is not a PEM private key (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)`,
    );
  }
  return key;
}
