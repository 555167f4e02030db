import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assembleEngines } from '@deployer/engines';
import { RegistryClient } from '@deployer/registry';
import { loadServerConfig, sweepExpiredEnvironments } from '@deployer/server';
import { listEnvironments, openState } from '@deployer/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPorts } from '../src/cli/server-ports.js';
import { runCli } from './run-cli.js';
import { validUuid } from './support/build-uuids.js';
import { settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload, pushPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// The TTL sweep against a real registry, with its clock moved forward: it tears down exactly the pull
// request environments idle past the repository's TTL (not one with the keep label, never the fallback),
// and `cache gc` on the same sweep removes refs no environment owns and the older images of an environment
// the server does not know, nothing else.
const missing = missingBuildTools();
const repository = 'acme/shop';
const day = 86_400_000;

describe.skipIf(missing.length > 0)('deployer serve: TTL sweep', { timeout: 300_000 }, () => {
  let stack: Stack;
  let git: GitRepository;
  let server: ServeProcess | undefined;
  let client: RegistryClient;
  let env: Record<string, string>;

  async function tagsOf(buildUuid: string): Promise<string[]> {
    const tags: string[] = [];
    for (const name of await client.listCatalog()) {
      for (const tag of await client.listTags(name).catch(() => [])) {
        if (`${name}:${tag}`.includes(buildUuid)) tags.push(`${name}:${tag}`);
      }
    }
    return tags.sort();
  }

  async function serve(dir?: string): Promise<ServeProcess> {
    server = await startServe({
      repositories: [{ name: repository, cloneUrl: git.cloneUrl, keepLabel: 'keep-preview', ttl: '14d' }],
      env,
      ...(dir !== undefined && { dir }),
    });
    return server;
  }

  beforeAll(async () => {
    stack = await startStack();
    client = new RegistryClient({ host: stack.registry.host, insecure: true, credentials: 'anonymous' });
    env = await stack.env();
    git = await createGitRepository();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await stack?.stop();
  });

  it('tears down idle pull requests past the TTL, keeps labelled and recent ones, and collects orphaned caches and images', async () => {
    const first = await serve();
    const send = (event: string, payload: unknown) =>
      deliver(first.url, event, payload, { secret: webhookSecret });
    const mainSha = await git.commit('main', previewFiles(stack.registry.host, 'main'), 'main');
    await send('push', pushPayload({ repository, branch: 'main', after: mainSha }));
    await settled(first, { buildUuid: 'main' }, (found) => found.status === 'built');
    // Caches of an environment the server never knew (a pipeline's, a lost teardown's): nobody owns them.
    // Built before pull request 2, so they are older than the sweep's cutoff.
    const buildStray = async (marker: string) => {
      const stray = await mkdtemp(join(tmpdir(), 'deployer-stray-'));
      for (const [path, content] of Object.entries(previewFiles(stack.registry.host, marker))) {
        await mkdir(dirname(join(stray, path)), { recursive: true });
        await writeFile(join(stray, path), content);
      }
      const strayBuild = await runCli(
        ['build', '-f', join(stray, 'deploy/env.yaml'), '--root', stray, '--uuid', 'stray-env'],
        {
          env,
        },
      );
      expect(strayBuild.exitCode, strayBuild.stderr).toBe(0);
    };
    const uuids: Record<number, string> = {};
    for (const [number, labels] of [
      [1, []],
      [2, ['keep-preview']],
      [3, []],
    ] as const) {
      const sha = await git.commit(
        `pr-${number}`,
        previewFiles(stack.registry.host, `pr-${number}`),
        `pr ${number}`,
      );
      const opened = await send(
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number, headSha: sha, labels: [...labels] }),
      );
      uuids[number] = opened.body.buildUuid;
      await settled(first, { pullRequest: number }, (found) => found.status === 'built');
      // Two pushes: the first one's image is no longer the environment's current one.
      if (number === 1) for (const marker of ['stray', 'stray-2']) await buildStray(marker);
    }
    const before = {
      main: await tagsOf('main'),
      kept: await tagsOf(uuids[2]!),
      recent: await tagsOf(uuids[3]!),
    };
    expect((await tagsOf('stray-env')).length).toBeGreaterThan(0);
    const strayOwnership = async () =>
      (await client.listTags('preview/web')).filter((tag) => tag.startsWith('stray-env.'));
    const strayImages = await strayOwnership();
    expect(strayImages).toHaveLength(2);
    expect((await tagsOf(uuids[1]!)).length).toBeGreaterThan(0);
    await first.stop();

    // The clock moves to 14 days after the middle of pull requests 2 and 3's last activity: 1 and 2 are
    // idle past the TTL (2 carries the keep label), 3 is not.
    const state = await openState({ dataDir: join(first.dir, 'state') });
    const activity = new Map(
      (await listEnvironments(state)).map((environment) => [
        environment.buildUuid,
        environment.lastActivityAt.getTime(),
      ]),
    );
    const cutoff = (activity.get(validUuid(uuids[2]!))! + activity.get(validUuid(uuids[3]!))!) / 2;
    const results = await sweepExpiredEnvironments({
      state,
      config: await loadServerConfig(join(first.dir, 'server.yaml')),
      ports: serverPorts(await assembleEngines({ env })),
      // A new replica's: its work folder does not exist yet (a fresh pod's first sweep).
      workDir: join(first.dir, 'work-of-a-new-replica'),
      env,
      now: new Date(cutoff + 14 * day),
    });
    await state.close();
    expect(results).toEqual([expect.objectContaining({ repository, expired: [uuids[1]], kept: [uuids[2]] })]);
    expect(results[0]).not.toHaveProperty('error');
    expect(results[0]).not.toHaveProperty('gcSkipped');
    expect(results[0]!.collected.length).toBeGreaterThan(0);
    // The stray environment's older image goes with its ownership tag and content tag; its current one
    // (its own tag) stays for a teardown to remove.
    const [current] = await strayOwnership();
    const older = strayImages.find((tag) => tag !== current)!;
    const olderContent = older.slice('stray-env.'.length);
    const images = `${stack.registry.host}/preview/web`;
    expect(results[0]!.collected).toEqual(
      expect.arrayContaining([`${images}:${older}`, `${images}:${olderContent}`]),
    );
    expect(
      results[0]!.collected.every((ref) => ref.includes('stray-env') || ref === `${images}:${olderContent}`),
    ).toBe(true);
    expect(await client.listTags('preview/web')).not.toContain(olderContent);
    expect((await client.headManifest('preview/web', current!))?.digest).toBe(
      (await client.headManifest('preview/web', 'stray-env'))?.digest,
    );

    // The teardown runs as a job, as a close would: restart the server on the same state.
    const second = await serve(first.dir);
    await settled(second, { pullRequest: 1 }, (found) => found.status === 'deleted');
    expect(await tagsOf(uuids[1]!)).toEqual([]);
    expect((await tagsOf('stray-env')).filter((tag) => tag.includes('/cache'))).toEqual([]);
    expect(await tagsOf('main')).toEqual(before.main);
    expect(await tagsOf(uuids[2]!)).toEqual(before.kept);
    expect(await tagsOf(uuids[3]!)).toEqual(before.recent);
  });
});
