import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookStatusUrl } from '../src/hooks/hook-status-url.js';
import {
  hookSecretVariables,
  parseServerConfig,
  readHookCaFiles,
  readHookSecrets,
  ServerConfigError,
} from '../src/index.js';

const repositories = [
  {
    name: 'acme/shop',
    spec: 'deploy/env.yaml',
    registry: { host: 'registry.example.test', repository: 'previews/shop' },
    secrets: [{ id: 'npm', env: 'NPM_TOKEN' }],
  },
];
const hook = { url: 'https://deploy.example.com/hooks/deployer', secretEnv: 'DEPLOY_HOOK_SECRET' };

function withHooks(hooks: unknown[]) {
  return parseServerConfig({ repositories, hooks }, 'server.yaml');
}

function refusal(hooks: unknown[]): string {
  try {
    withHooks(hooks);
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as ServerConfigError).kind).toBe('input');
    return (error as ServerConfigError).message;
  }
  throw new Error('the config was accepted');
}

describe('hooks: in the server config', () => {
  it('fills in every event, five attempts and a 10 s timeout; no hooks by default', () => {
    expect(parseServerConfig({ repositories }, 'server.yaml').hooks).toEqual([]);
    expect(withHooks([hook]).hooks).toEqual([
      { ...hook, events: ['built', 'failed', 'torn_down'], timeout: '10s', timeoutMs: 10_000, attempts: 5 },
    ]);
    const [custom] = withHooks([
      {
        ...hook,
        events: ['torn_down'],
        repositories: ['ACME/shop'],
        timeout: '3s',
        attempts: 2,
        caFile: '/etc/ca.pem',
      },
    ]).hooks;
    expect(custom).toMatchObject({
      events: ['torn_down'],
      timeoutMs: 3000,
      attempts: 2,
      caFile: '/etc/ca.pem',
    });
  });

  it('takes http:// only to a loopback address', () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://[::1]:9/x', 'http://localhost/x']) {
      expect(withHooks([{ ...hook, url }]).hooks[0]?.url).toBe(url);
    }
    expect(refusal([{ ...hook, url: 'http://deploy.example.com/x' }])).toBe(
      'server.yaml: hooks[0].url: must be https:// (http:// only to a loopback address, 127.0.0.1, [::1] or localhost: a sidecar or a test)',
    );
    expect(refusal([{ ...hook, url: 'http://10.0.0.5/x' }])).toContain('hooks[0].url: must be https://');
  });

  it('names the path and the rule of every bad hook', () => {
    expect(refusal([hook, { ...hook, url: 'deploy.example.com/x' }])).toBe(
      'server.yaml: hooks[1].url: must be an absolute URL, https://host/path',
    );
    expect(refusal([{ ...hook, url: 'ftp://deploy.example.com/x' }])).toBe(
      'server.yaml: hooks[0].url: must be an https:// URL',
    );
    expect(refusal([{ ...hook, url: 'https://user:pw@deploy.example.com/x' }])).toContain(
      'hooks[0].url: must not carry credentials',
    );
    expect(refusal([{ ...hook, events: ['built', 'deployed'] }])).toBe(
      'server.yaml: hooks[0].events[1]: must be one of built, failed, torn_down',
    );
    expect(refusal([{ ...hook, events: [] }])).toContain('hooks[0].events: must list at least one event');
    expect(refusal([{ url: hook.url }])).toMatch(/^server\.yaml: hooks\[0\]\.secretEnv: /);
    expect(refusal([{ ...hook, secretEnv: 'not a name' }])).toContain(
      'hooks[0].secretEnv: must be the name of an environment variable',
    );
    expect(refusal([{ ...hook, secretEnv: 'DEPLOYER_WEBHOOK_SECRET' }])).toContain(
      "hooks[0].secretEnv: is one of the server's own variables",
    );
    expect(refusal([{ ...hook, secretEnv: 'NPM_TOKEN' }])).toContain(
      "hooks[0].secretEnv: NPM_TOKEN is also a build secret's variable",
    );
    expect(refusal([{ ...hook, repositories: ['acme/shopp'] }])).toBe(
      'server.yaml: hooks[0].repositories[0]: "acme/shopp" is not one of the configured repositories',
    );
    expect(refusal([hook, { ...hook, secretEnv: 'OTHER_SECRET' }])).toContain(
      "hooks[1].url: is hooks[0]'s too",
    );
    expect(refusal([{ ...hook, caFile: 'ca.pem' }])).toContain('hooks[0].caFile: must be an absolute path');
    expect(refusal([{ ...hook, timeout: 'soon' }])).toMatch(/^server\.yaml: hooks\[0\]\.timeout: /);
    expect(refusal([{ ...hook, attempts: 0 }])).toContain('hooks[0].attempts: must be at least 1');
    expect(refusal([{ ...hook, secret: 'inline' }])).toContain('hooks[0]: unknown key "secret"');
  });
});

describe("the hooks' secrets and CA files", () => {
  const config = withHooks([
    hook,
    { ...hook, url: 'https://other.example.com/h', secretEnv: 'OTHER_SECRET' },
  ]);
  const value = 'a-hook-secret-of-enough-length';

  it('reads each secret from the environment by the name the config gives', () => {
    const secrets = readHookSecrets(config, { DEPLOY_HOOK_SECRET: value, OTHER_SECRET: `${value}-2` });
    expect([...secrets.entries()]).toEqual([
      [0, value],
      [1, `${value}-2`],
    ]);
    expect(hookSecretVariables(config)).toEqual(['DEPLOY_HOOK_SECRET', 'OTHER_SECRET']);
  });

  it('refuses an unset or short secret, naming the hook and the variable, never the value', () => {
    const unset = () => readHookSecrets(config, { DEPLOY_HOOK_SECRET: value }, 'server.yaml');
    expect(unset).toThrow(ServerConfigError);
    expect(unset).toThrow(
      "server.yaml: hooks[1].secretEnv: the environment variable OTHER_SECRET is not set: it holds the HMAC secret of the hook https://other.example.com/h and must be set in the server's environment (at least 16 characters)",
    );
    let message = '';
    try {
      readHookSecrets(config, { DEPLOY_HOOK_SECRET: 'short-secret', OTHER_SECRET: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'hooks[0].secretEnv: the environment variable DEPLOY_HOOK_SECRET is shorter than 16',
    );
    expect(message).not.toContain('short-secret');
    expect(() => readHookSecrets(config, { DEPLOY_HOOK_SECRET: '', OTHER_SECRET: value })).toThrow(
      /is not set/,
    );
  });

  describe('caFile', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hooks-ca-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('is read once at start; a missing file or one without a certificate is refused', async () => {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      await writeFile(join(dir, 'ca.pem'), pem);
      await writeFile(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\n');
      const withCa = (caFile: string) =>
        withHooks([hook, { ...hook, url: 'https://o.example.com/', caFile }]);
      expect([...(await readHookCaFiles(withCa(join(dir, 'ca.pem')))).entries()]).toEqual([[1, pem]]);
      await expect(readHookCaFiles(withCa(join(dir, 'none.pem')), 'server.yaml')).rejects.toThrow(
        `server.yaml: hooks[1].caFile: cannot read ${join(dir, 'none.pem')} (ENOENT)`,
      );
      await expect(readHookCaFiles(withCa(join(dir, 'key.pem')))).rejects.toThrow(
        /hooks\[1\]\.caFile: .*key\.pem holds no PEM certificate/,
      );
    });
  });
});

describe("a hook body's statusUrl", () => {
  it("is the repository's status page when its github.statusUrl gives the server's address", () => {
    const config = parseServerConfig(
      {
        repositories: [
          {
            ...repositories[0],
            github: {
              tokenEnv: 'GITHUB_TOKEN',
              report: 'commit-status',
              statusUrl: 'https://previews.example.com/',
            },
          },
          {
            ...repositories[0],
            name: 'acme/blog',
            registry: { host: 'registry.example.test', repository: 'previews/blog' },
          },
        ],
      },
      'server.yaml',
    );
    const statusUrl = hookStatusUrl(config);
    const facts = {
      buildId: 1,
      kind: 'build',
      status: 'succeeded',
      sha: 'a'.repeat(40),
      pullRequestNumber: 3,
      branch: null,
    } as const;
    expect(statusUrl({ ...facts, buildUuid: 'main', repository: 'ACME/shop' })).toBe(
      'https://previews.example.com/environments/main?repository=acme%2Fshop',
    );
    expect(statusUrl({ ...facts, buildUuid: 'main', repository: 'acme/blog' })).toBeUndefined();
  });
});
