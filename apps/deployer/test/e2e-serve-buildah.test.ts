import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload, pushPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// A pull request's whole life through `deployer serve`, with real buildah builds, a real registry and a
// real git repository: main builds the fallback, the pull request builds warm from it, newer pushes win,
// closing removes exactly what the environment owned.
const missing = missingBuildTools();
const repository = 'acme/shop';

describe.skipIf(missing.length > 0)(
  'deployer serve with buildah: a pull request from open to close',
  { timeout: 300_000 },
  () => {
    let stack: Stack;
    let git: GitRepository;
    let server: ServeProcess;
    let client: RegistryClient;

    /** Every tag in the registry as `repository:tag`. */
    async function allTags(): Promise<string[]> {
      const tags: string[] = [];
      for (const name of await client.listCatalog()) {
        for (const tag of await client.listTags(name).catch(() => [])) tags.push(`${name}:${tag}`);
      }
      return tags.sort();
    }

    const send = (event: string, payload: unknown) =>
      deliver(server.url, event, payload, { secret: webhookSecret });

    beforeAll(async () => {
      stack = await startStack();
      client = new RegistryClient({ host: stack.registry.host, insecure: true, credentials: 'anonymous' });
      git = await createGitRepository();
      server = await startServe({
        repositories: [{ name: repository, cloneUrl: git.cloneUrl }],
        env: await stack.env(),
      });
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await stack?.stop();
    });

    it('builds main, then the pull request at its newest SHA, and tears it down on close', async () => {
      const mainSha = await git.commit('main', previewFiles(stack.registry.host, 'main'), 'main');
      expect((await send('push', pushPayload({ repository, branch: 'main', after: mainSha }))).status).toBe(
        202,
      );
      const main = await settled(server, { buildUuid: 'main' }, (found) => found.status === 'built');
      expect(main.kind).toBe('fallback');
      const mainTags = await allTags();
      expect(mainTags.some((tag) => tag.includes('/cache') && tag.includes('main'))).toBe(true);
      // main's image: its content tag, its environment tag and its ownership tag `main.<content>`.
      const webTags = async () => (await client.listTags('preview/web')).sort();
      const mainWebTags = await webTags();
      const mainContent = main.services[0]!.image.split(':').at(-1)!;
      expect(mainWebTags).toEqual([mainContent, 'main', `main.${mainContent}`]);

      const first = await git.commit('feature', previewFiles(stack.registry.host, 'first'), 'first');
      const opened = await send(
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number: 1, headSha: first }),
      );
      expect(opened.status).toBe(202);
      const buildUuid = opened.body.buildUuid as string;
      const built = await settled(server, { pullRequest: 1 }, (found) => found.status === 'built');
      expect(built.buildUuid).toBe(buildUuid);
      expect(built.services[0]).toMatchObject({ service: 'web', status: 'built' });
      expect(built.services[0]!.digest).toMatch(/^sha256:/);
      // Warm from main: the steps main built before were cached.
      expect(built.services[0]!.cacheHitRatio).toBeGreaterThan(0);
      const ownTags = (await allTags()).filter((tag) => tag.includes(buildUuid));
      expect(ownTags.some((tag) => tag.includes('/cache'))).toBe(true);
      expect(ownTags).toContain(`preview/web:${buildUuid}`);

      // Two pushes in quick succession: only the newest SHA ends built; the older is superseded.
      const second = await git.commit('feature', previewFiles(stack.registry.host, 'second'), 'second');
      const third = await git.commit('feature', previewFiles(stack.registry.host, 'third'), 'third');
      await send(
        'pull_request',
        pullRequestPayload({ action: 'synchronize', repository, number: 1, headSha: second }),
      );
      await send(
        'pull_request',
        pullRequestPayload({ action: 'synchronize', repository, number: 1, headSha: third }),
      );
      const newest = await settled(
        server,
        { pullRequest: 1 },
        (found) => found.sha === third && found.builds[0]?.status === 'succeeded',
      );
      expect(newest.buildUuid).toBe(buildUuid);
      expect(newest.status).toBe('built');
      expect(newest.builds.find((build) => build.sha === second)?.status).toBe('superseded');
      expect(newest.builds.filter((build) => build.status === 'running')).toEqual([]);

      // A rebuild through the API builds the same SHA again.
      const rebuild = await server.api(`/api/environments/${buildUuid}/rebuild`, { method: 'POST' });
      expect(rebuild.status).toBe(202);
      await settled(
        server,
        { pullRequest: 1 },
        (found) => found.builds[0]?.id === rebuild.body.buildId && found.builds[0]?.status === 'succeeded',
      );

      // Every push that built left its image: its content tag and the environment's ownership tag of it.
      const beforeClose = await webTags();
      const contents = beforeClose.filter((tag) => /^[0-9a-f]{64}$/.test(tag));
      expect(contents.length).toBeGreaterThanOrEqual(3);
      for (const content of contents.filter((tag) => tag !== mainContent)) {
        expect(beforeClose).toContain(`${buildUuid}.${content}`);
      }

      // Close: the environment's images and cache refs go; main's stay, untouched.
      await send(
        'pull_request',
        pullRequestPayload({ action: 'closed', repository, number: 1, headSha: third }),
      );
      const deleted = await settled(server, { pullRequest: 1 }, (found) => found.status === 'deleted');
      expect(deleted.builds[0]).toMatchObject({ kind: 'down', status: 'succeeded' });
      const after = await allTags();
      expect(after.filter((tag) => tag.includes(buildUuid))).toEqual([]);
      for (const tag of mainTags.filter((tag) => tag.includes('main'))) expect(after).toContain(tag);
      // Not one image of the pull request's pushes is left: the web repository holds main's tags alone.
      expect(await webTags()).toEqual(mainWebTags);
    });
  },
);
