import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig, ServerConfigError, type ServerPorts, startServer } from '../src/index.js';

const apiToken = 'an-api-token-of-enough-length';
const config = parseServerConfig(
  {
    repositories: [
      {
        name: 'acme/shop',
        spec: 'deploy/env.yaml',
        registry: { host: 'registry.test', repository: 'previews/shop' },
      },
    ],
    hooks: [{ url: 'http://127.0.0.1:9/hooks', secretEnv: 'SHOP_HOOK_SECRET', events: ['built'] }],
  },
  'server.yaml',
);
// No job runs in these tests: a port asked for would be a bug.
const ports = {
  engineFor: () => {
    throw new Error('no engine in this test');
  },
  registryFor: () => {
    throw new Error('no registry in this test');
  },
} as unknown as ServerPorts;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-hooks-server-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function serve(env: Record<string, string>, hookSecretsEnv?: Record<string, string>) {
  return startServer({
    config,
    stateDir: join(dir, 'state'),
    workDir: join(dir, 'work'),
    host: '127.0.0.1',
    port: 0,
    webhookSecret: 'a webhook secret of enough length',
    apiToken,
    replica: 'replica-a',
    ports,
    env,
    ...(hookSecretsEnv !== undefined && { hookSecretsEnv }),
    logger: pino({ level: 'silent' }),
  });
}

describe('startServer with hooks', () => {
  it('refuses to start when a hook cannot sign, naming the hook and its variable', async () => {
    const error = await serve({}).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as ServerConfigError).message).toBe(
      "server config: hooks[0].secretEnv: the environment variable SHOP_HOOK_SECRET is not set: it holds the HMAC secret of the hook http://127.0.0.1:9/hooks and must be set in the server's environment (at least 16 characters)",
    );
  });

  it("serves the deliveries and their metrics, with the secret read apart from the builds' environment", async () => {
    const server = await serve({}, { SHOP_HOOK_SECRET: 'a hook secret of enough length' });
    try {
      const api = await fetch(`${server.url}/api/hooks/deliveries?limit=5`, {
        headers: { authorization: `Bearer ${apiToken}` },
      });
      expect(api.status).toBe(200);
      expect(await api.json()).toEqual({ deliveries: [] });
      expect((await fetch(`${server.url}/api/hooks/deliveries`)).status).toBe(401);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain('# TYPE deployer_hook_deliveries_total counter');
      expect(metrics).toContain('# TYPE deployer_hook_delivery_attempts_total counter');
    } finally {
      await server.stop(1000);
    }
  });
});
