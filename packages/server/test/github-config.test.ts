import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitHubFeedback } from '../src/github/github-feedback.js';
import {
  createLogger,
  createServerMetrics,
  GitHubFeedbackError,
  githubCredentialVariables,
  parseServerConfig,
  ServerConfigError,
} from '../src/index.js';
import { appKeyPair } from './github-support/fake-github.js';
import { startValidatingGitHub } from './github-support/validating-github.js';

function withGitHub(github: unknown, extra: Record<string, unknown> = {}) {
  return {
    repositories: [
      {
        name: 'acme/shop',
        spec: 'deploy/env.yaml',
        registry: { host: 'registry.example.com', repository: 'previews/shop' },
        github,
        ...extra,
      },
    ],
  };
}

function problem(raw: unknown): string {
  try {
    parseServerConfig(raw, 'server.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('github: in the server config', () => {
  it('fills in defaults for an App', () => {
    const config = parseServerConfig(
      withGitHub({ appId: 12, privateKeyFile: '/etc/deployer/app.pem' }),
      'server.yaml',
    );
    expect(config.repositories[0]?.github).toEqual({
      appId: 12,
      privateKeyFile: '/etc/deployer/app.pem',
      apiUrl: 'https://api.github.com',
      report: 'check-run',
      name: 'deployer',
      comment: true,
      deployments: false,
    });
    expect(parseServerConfig(withGitHub(undefined), 'server.yaml').repositories[0]?.github).toBeUndefined();
  });

  it('names the path and the rule of each mistake', () => {
    expect(problem(withGitHub({}))).toBe(
      'server.yaml: repositories[0].github: needs credentials: appId with privateKeyFile or privateKeyEnv, or tokenEnv',
    );
    expect(problem(withGitHub({ appId: 1, privateKeyFile: '/k', privateKeyEnv: 'KEY' }))).toContain(
      'repositories[0].github.appId: a GitHub App names exactly one source of its private key',
    );
    expect(problem(withGitHub({ tokenEnv: 'GITHUB_TOKEN' }))).toContain(
      'repositories[0].github.report: check runs can only be written by a GitHub App; with a token use report: commit-status',
    );
    expect(problem(withGitHub({ appId: 1, privateKeyEnv: 'K', tokenEnv: 'T' }))).toContain(
      'repositories[0].github.tokenEnv: authenticate either as a GitHub App (appId) or with a token',
    );
    expect(problem(withGitHub({ tokenEnv: 'DEPLOYER_API_TOKEN', report: 'none' }))).toContain(
      "repositories[0].github.tokenEnv: is one of the server's own variables",
    );
    expect(problem(withGitHub({ tokenEnv: 'ghp_abc-def', report: 'none' }))).toContain(
      'repositories[0].github.tokenEnv: must be an environment variable name',
    );
    expect(
      problem(withGitHub({ appId: 1, privateKeyEnv: 'K', apiUrl: 'http://github.example.com' })),
    ).toContain(
      'repositories[0].github.apiUrl: must be https:// (http:// only to 127.0.0.1, localhost or [::1])',
    );
    expect(problem(withGitHub({ appId: 1, privateKeyEnv: 'K', privateKey: '-----BEGIN' }))).toContain(
      'repositories[0].github: unknown key "privateKey"',
    );
  });

  it('refuses a build secret that is a GitHub credential', () => {
    const message = problem(
      withGitHub(
        { appId: 1, privateKeyFile: '/etc/deployer/app.pem' },
        { secrets: [{ id: 'key', file: '/etc/deployer/app.pem' }] },
      ),
    );
    expect(message).toContain('repositories[0].secrets[0].file: is a GitHub App');
    const token = problem(
      withGitHub(
        { tokenEnv: 'GH_TOKEN', report: 'commit-status' },
        { secrets: [{ id: 'gh', env: 'GH_TOKEN' }] },
      ),
    );
    expect(token).toContain('repositories[0].secrets[0].env: holds a GitHub credential');
    const config = parseServerConfig(withGitHub({ tokenEnv: 'GH_TOKEN', report: 'none' }), 'server.yaml');
    expect(githubCredentialVariables(config)).toEqual(['GH_TOKEN']);
  });

  it('stops the server at its start when a credential is missing, naming it but never a value', async () => {
    const options = (github: unknown, env: Record<string, string>) => ({
      config: parseServerConfig(withGitHub(github), 'server.yaml'),
      credentialsEnv: env,
      logger: createLogger({ level: 'fatal' }),
      metrics: createServerMetrics({ queueDepth: async () => 0 }),
    });
    await expect(createGitHubFeedback(options({ tokenEnv: 'GH_TOKEN', report: 'none' }, {}))).rejects.toThrow(
      'repositories[0].github.tokenEnv: the variable GH_TOKEN is not set',
    );
    const folder = await mkdtemp(join(tmpdir(), 'deployer-github-'));
    try {
      await writeFile(join(folder, 'not-a-key.pem'), 'hunter2-not-a-key');
      const error = await createGitHubFeedback(
        options({ appId: 1, privateKeyFile: join(folder, 'not-a-key.pem') }, {}),
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GitHubFeedbackError);
      expect((error as Error).message).toContain(
        'repositories[0].github.privateKeyFile: is not a PEM private key',
      );
      expect((error as Error).message).not.toContain('hunter2');
      await expect(
        createGitHubFeedback(options({ appId: 1, privateKeyFile: join(folder, 'missing.pem') }, {})),
      ).rejects.toThrow('cannot read');
      const { privateKeyPem } = appKeyPair();
      await writeFile(join(folder, 'app.pem'), privateKeyPem);
      await expect(
        createGitHubFeedback(options({ appId: 1, privateKeyFile: join(folder, 'app.pem') }, {})),
      ).resolves.toBeDefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("the validating mock (GitHub's OpenAPI description)", () => {
  it('reports a wrong path, method, parameter or body, and passes a right one', async () => {
    const github = await startValidatingGitHub();
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${github.url}${path}`, {
        method,
        headers: { authorization: 'token x', 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    try {
      await send('POST', '/repos/acme/shop/check-runs', {
        name: 'deployer',
        head_sha: 'abc',
        status: 'queued',
      });
      expect(github.problems).toEqual([]);
      await send('POST', '/repos/acme/shop/check-run', { name: 'deployer', head_sha: 'abc' });
      await send('PUT', '/repos/acme/shop/check-runs', { name: 'deployer', head_sha: 'abc' });
      await send('POST', '/repos/acme/shop/check-runs', {
        name: 'deployer',
        head_sha: 'abc',
        status: 'running',
      });
      await send('PATCH', '/repos/acme/shop/check-runs/not-a-number', { status: 'in_progress' });
      await send('GET', '/repos/acme/shop/issues/1/comments?per_page=100&pages=2');
      await send('POST', '/repos/acme/shop/statuses/abc', { state: 'done' });
      expect(github.problems).toHaveLength(6);
      expect(github.problems[0]).toContain('POST /repos/acme/shop/check-run: no such operation');
      expect(github.problems[1]).toContain('PUT /repos/acme/shop/check-runs: no such operation');
      expect(github.problems[2]).toContain('(checks/create): body');
      expect(github.problems[3]).toContain('path parameter check_run_id=not-a-number');
      expect(github.problems[4]).toContain('unknown query parameter pages');
      expect(github.problems[5]).toContain('(repos/create-commit-status): body');
    } finally {
      await github.close();
    }
  });
});
