import { join } from 'node:path';
import { getEnvironment, listEnvironments, openState } from '@deployer/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validUuid } from './support/build-uuids.js';
import { processesMatching } from './support/processes.js';
import { settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// SIGTERM drains: no new jobs, running builds finish up to --drain-seconds, what still runs goes back to
// the queue with its claim released (no engine process left behind), and the next start builds it.
const missing = missingBuildTools();
const repository = 'acme/shop';

describe.skipIf(missing.length > 0)('deployer serve: SIGTERM', { timeout: 300_000 }, () => {
  let stack: Stack;
  let git: GitRepository;
  const servers: ServeProcess[] = [];

  async function serve(options: { drainSeconds: number; dir?: string }): Promise<ServeProcess> {
    const server = await startServe({
      repositories: [{ name: repository, cloneUrl: git.cloneUrl }],
      env: await stack.env(),
      drainSeconds: options.drainSeconds,
      ...(options.dir !== undefined && { dir: options.dir }),
    });
    servers.push(server);
    return server;
  }

  /** A pull request whose build runs `seconds` long, delivered; resolves once it is running. */
  async function slowPullRequest(server: ServeProcess, number: number, seconds: number): Promise<string> {
    const files = previewFiles(stack.registry.host, `slow-${number}`);
    files['web/Dockerfile'] = files['web/Dockerfile']!.replace(
      'RUN cat /srv/www/marker',
      `RUN sleep ${seconds} && cat /srv/www/marker`,
    );
    const sha = await git.commit(`pr-${number}`, files, `slow ${number}`);
    const opened = await deliver(
      server.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', repository, number, headSha: sha }),
      { secret: webhookSecret },
    );
    await settled(server, { pullRequest: number }, (found) => found.builds[0]?.status === 'running', 60_000);
    // Into the engine's run, past checkout and planning.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return opened.body.buildUuid as string;
  }

  async function environmentAfterExit(dir: string, buildUuid: string) {
    const state = await openState({ dataDir: join(dir, 'state') });
    try {
      const [environment] = await getEnvironment(state, validUuid(buildUuid));
      return { environment, all: await listEnvironments(state) };
    } finally {
      await state.close();
    }
  }

  beforeAll(async () => {
    stack = await startStack();
    git = await createGitRepository();
    await git.commit('main', previewFiles(stack.registry.host, 'main'), 'main');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill().catch(() => {})));
    await stack?.stop();
  });

  it('lets a running build finish within the drain deadline, then exits 0', async () => {
    const server = await serve({ drainSeconds: 60 });
    const buildUuid = await slowPullRequest(server, 1, 4);
    const started = Date.now();
    expect(await server.stop()).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(1000);
    const { environment } = await environmentAfterExit(server.dir, buildUuid);
    expect(environment).toMatchObject({ status: 'built', lastBuild: { status: 'succeeded' } });
    expect(server.log()).toMatch(/draining/);
  });

  it('puts a build still running at the deadline back in the queue, and the next start builds it', async () => {
    const server = await serve({ drainSeconds: 1 });
    const buildUuid = await slowPullRequest(server, 2, 40);
    const started = Date.now();
    expect(await server.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await processesMatching(buildUuid)).toEqual([]);
    const { environment } = await environmentAfterExit(server.dir, buildUuid);
    expect(environment?.builds[0]).toMatchObject({ status: 'queued', replica: null });

    // A quick build replaces the slow one's Dockerfile? No: the same job is claimed again and runs to the
    // end; its `sleep 40` is the price of this check, so the next start is given the time.
    const next = await serve({ drainSeconds: 60, dir: server.dir });
    const built = await settled(next, { pullRequest: 2 }, (found) => found.status === 'built', 120_000);
    expect(built.builds).toHaveLength(1);
    expect(built.builds[0]).toMatchObject({ status: 'succeeded', replica: next.replica });
  });
});
