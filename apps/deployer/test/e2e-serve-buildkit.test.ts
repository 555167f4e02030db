import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildkitSkipReason, seedBusyboxThroughBuildkit } from './support/buildkit-daemon.js';
import { settled } from './support/serve/environments.js';
import { createGitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload, pushPayload } from './support/serve/webhook-payloads.js';

// `deployer serve` building through a real BuildKit daemon: a pull request's environment gets its own
// cache ref, seeded from main's, and closing it removes that ref and nothing of main's.
const registry = process.env.DEPLOYER_TEST_REGISTRY;
const skipReason = buildkitSkipReason('the deployer serve BuildKit end-to-end suite');
const repository = 'acme/shop';

describe.skipIf(skipReason !== undefined)('deployer serve with BuildKit', { timeout: 300_000 }, () => {
  const images = `serve-${randomBytes(3).toString('hex')}`;
  let scratch: string;
  let server: ServeProcess;
  let client: RegistryClient;
  const env = {
    DEPLOYER_REGISTRY: registry!,
    DEPLOYER_INSECURE_REGISTRIES: registry!,
    DEPLOYER_ENGINE: 'buildkit',
    BUILDKIT_HOST: process.env.BUILDKIT_HOST!,
  };

  async function tags(name: string): Promise<string[]> {
    return (await client.listTags(name).catch(() => [])).sort();
  }

  beforeAll(async () => {
    client = new RegistryClient({ host: registry!, insecure: true, credentials: 'anonymous' });
    // The base image the services build FROM, made by deployer itself from the host's static busybox.
    scratch = await seedBusyboxThroughBuildkit(registry!, env, images);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('builds main and a pull request warm from it, and removes only the pull request on close', async () => {
    const git = await createGitRepository();
    server = await startServe({
      repositories: [
        { name: repository, cloneUrl: git.cloneUrl, registry: { host: registry!, repository: images } },
      ],
      env,
    });
    const files = (marker: string) => previewFiles(registry!, marker, { repository: images });
    const mainSha = await git.commit('main', files('main'), 'main');
    await deliver(server.url, 'push', pushPayload({ repository, branch: 'main', after: mainSha }), {
      secret: webhookSecret,
    });
    const main = await settled(server, { buildUuid: 'main' }, (found) => found.status === 'built');
    expect(main.builds[0]!.engine).toBe('buildkit');
    const mainCache = await tags(`${images}/cache/web/main`);
    expect(mainCache).toContain('cache');

    const head = await git.commit('feature', files('feature'), 'feature');
    const opened = await deliver(
      server.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', repository, number: 3, headSha: head }),
      {
        secret: webhookSecret,
      },
    );
    const buildUuid = opened.body.buildUuid as string;
    const built = await settled(server, { pullRequest: 3 }, (found) => found.status === 'built');
    expect(built.services[0]!.cacheHitRatio).toBeGreaterThan(0);
    expect(await tags(`${images}/cache/web/${buildUuid}`)).toContain('cache');
    expect(await tags(`${images}/web`)).toContain(buildUuid);

    await deliver(
      server.url,
      'pull_request',
      pullRequestPayload({ action: 'closed', repository, number: 3, headSha: head }),
      {
        secret: webhookSecret,
      },
    );
    await settled(server, { pullRequest: 3 }, (found) => found.status === 'deleted');
    expect(await tags(`${images}/cache/web/${buildUuid}`)).toEqual([]);
    expect(await tags(`${images}/web`)).not.toContain(buildUuid);
    expect(await tags(`${images}/cache/web/main`)).toEqual(mainCache);
  });
});
