import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentOf, settled } from './support/serve/environments.js';
import { createGitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// `deployer serve` on its embedded database: what it refuses stores nothing, a delivery is taken once.
const missing = missingBuildTools();
const repository = 'acme/shop';

describe.skipIf(missing.length > 0)('deployer serve: webhook deliveries', { timeout: 300_000 }, () => {
  let stack: Stack;
  let server: ServeProcess;
  let headSha: string;

  beforeAll(async () => {
    stack = await startStack();
    const git = await createGitRepository();
    await git.commit('main', previewFiles(stack.registry.host, 'main'), 'main');
    headSha = await git.commit('feature', previewFiles(stack.registry.host, 'feature'), 'feature');
    server = await startServe({
      repositories: [{ name: repository, cloneUrl: git.cloneUrl }],
      env: await stack.env(),
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await stack?.stop();
  });

  const opened = (number: number) => pullRequestPayload({ action: 'opened', repository, number, headSha });

  it('refuses a bad signature, an unknown repository, malformed JSON and an oversized body, storing nothing', async () => {
    const wrong = await deliver(server.url, 'pull_request', opened(1), {
      secret: 'not-the-secret-at-all',
      deliveryId: 'refused-1',
    });
    expect(wrong.status).toBe(401);
    const unsigned = await deliver(server.url, 'pull_request', opened(1), {
      secret: webhookSecret,
      signature: null,
      deliveryId: 'refused-2',
    });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.message).toMatch(/X-Hub-Signature-256/i);
    const unknown = await deliver(
      server.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', repository: 'someone/else', number: 1, headSha }),
      { secret: webhookSecret, deliveryId: 'refused-3' },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('someone/else');
    const malformed = await deliver(server.url, 'pull_request', undefined, {
      secret: webhookSecret,
      body: '{"action": "opened", ',
      deliveryId: 'refused-4',
    });
    expect(malformed.status).toBe(400);
    const oversized = await deliver(server.url, 'pull_request', undefined, {
      secret: webhookSecret,
      body: JSON.stringify({ ...opened(1), padding: 'x'.repeat(2 * 1024 * 1024) }),
      deliveryId: 'refused-5',
    });
    expect(oversized.status).toBe(413);

    expect((await server.api('/api/environments')).body.environments).toEqual([]);
    // The refused delivery ids were not stored: sent again, valid, they are new deliveries.
    const again = await deliver(
      server.url,
      'ping',
      { zen: 'ok', hook_id: 1, repository: opened(1).repository },
      {
        secret: webhookSecret,
        deliveryId: 'refused-1',
      },
    );
    expect(again.status).toBe(202);
    expect(again.body.result).not.toBe('duplicate');
  });

  it('builds once when the same delivery arrives twice', async () => {
    const first = await deliver(server.url, 'pull_request', opened(7), {
      secret: webhookSecret,
      deliveryId: 'twice',
    });
    const second = await deliver(server.url, 'pull_request', opened(7), {
      secret: webhookSecret,
      deliveryId: 'twice',
    });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.result).toBe('accepted');
    expect(second.body.result).toBe('duplicate');
    const environment = await settled(server, { pullRequest: 7 }, (found) => found.status === 'built');
    expect(environment.builds).toHaveLength(1);
    expect(environment.builds[0]).toMatchObject({ sha: headSha, status: 'succeeded' });
    expect(environment.buildUuid).toBe(first.body.buildUuid);
  });

  it('keeps the API behind the bearer token and answers health checks', async () => {
    const refused = await fetch(`${server.url}/api/environments`);
    expect(refused.status).toBe(401);
    const wrong = await fetch(`${server.url}/api/environments`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await environmentOf(server, { buildUuid: 'no-such-environment' })).toBeUndefined();
    expect((await server.api('/api/environments/no-such-environment')).status).toBe(404);
    expect(
      (await server.api('/api/environments/no-such-environment/rebuild', { method: 'POST' })).status,
    ).toBe(404);
  });
});
