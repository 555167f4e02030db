import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// `deployer serve --config-module`: the operator's hooks run around a pull request's real builds (buildah,
// a real registry). The module's own hooks record each call as a JSON line; a plugin's afterBuild throws,
// and the build is still `built`, the failure a warning in the server's log.
const missing = missingBuildTools();
const repository = 'acme/shop';

const configModule = [
  "import { appendFile } from 'node:fs/promises';",
  'const record = (hook, context) =>',
  "  appendFile(process.env.HOOK_LOG, JSON.stringify({ hook, ...context }) + '\\n');",
  'export default {',
  '  hooks: {',
  "    afterBuild: (context) => record('afterBuild', context),",
  "    afterTeardown: (context) => record('afterTeardown', context),",
  '  },',
  '  plugins: [',
  '    () => ({',
  '      hooks: {',
  '        afterBuild() {',
  "          throw new Error('the deploy step is unreachable');",
  '        },',
  '      },',
  '    }),',
  '  ],',
  '};',
  '',
].join('\n');

interface HookLine {
  hook: 'afterBuild' | 'afterTeardown';
  buildUuid: string;
  report?: { buildUuid: string; ok: boolean; services: { service: string; digest: string | null }[] };
  result?: { buildUuid: string; dryRun: boolean; actions: { ref: string; deleted: boolean }[] };
}

describe.skipIf(missing.length > 0)(
  'deployer serve with a config module: lifecycle hooks around real builds',
  { timeout: 300_000 },
  () => {
    let stack: Stack;
    let git: GitRepository;
    let server: ServeProcess;
    let dir: string;
    const hookLog = () => join(dir, 'hooks.jsonl');

    const send = (event: string, payload: unknown) =>
      deliver(server.url, event, payload, { secret: webhookSecret });
    const lines = async (buildUuid: string): Promise<HookLine[]> =>
      (await readFile(hookLog(), 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as HookLine)
        .filter((line) => line.buildUuid === buildUuid);

    beforeAll(async () => {
      stack = await startStack();
      git = await createGitRepository();
      dir = await mkdtemp(join(tmpdir(), 'deployer-serve-hooks-'));
      const module = join(dir, 'deployer.config.mjs');
      await writeFile(module, configModule);
      server = await startServe({
        repositories: [{ name: repository, cloneUrl: git.cloneUrl }],
        env: { ...(await stack.env()), HOOK_LOG: hookLog() },
        extraArgs: ['--config-module', module],
      });
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await stack?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("runs afterBuild and afterTeardown for a pull request's environment; a throwing hook fails nothing", async () => {
      const head = await git.commit('feature', previewFiles(stack.registry.host, 'first'), 'first');
      const opened = await send(
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number: 1, headSha: head }),
      );
      expect(opened.status).toBe(202);
      const buildUuid = opened.body.buildUuid as string;
      const built = await settled(server, { pullRequest: 1 }, (found) => found.status === 'built');
      expect(built.builds[0]).toMatchObject({ kind: 'build', status: 'succeeded' });

      // The hook saw the build the environment shows: the same services, the same digests.
      const [afterBuild, ...more] = await lines(buildUuid);
      expect(more).toEqual([]);
      expect(afterBuild).toMatchObject({ hook: 'afterBuild', report: { buildUuid, ok: true } });
      const digests = built.services.map(({ service, digest }) => ({ service, digest }));
      expect(digests.length).toBeGreaterThan(0);
      for (const { digest } of digests) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(afterBuild?.report?.services.map(({ service, digest }) => ({ service, digest }))).toEqual(
        digests,
      );
      // The plugin's throwing afterBuild: a warning naming the hook, and the build stayed a success.
      const warning = server
        .log()
        .split('\n')
        .find((line) => line.includes('lifecycle hook afterBuild failed'));
      expect(warning).toBeDefined();
      expect(warning).toContain('the deploy step is unreachable');
      expect(JSON.parse(warning as string)).toMatchObject({ level: 40, hook: 'afterBuild', hookIndex: 1 });

      await send(
        'pull_request',
        pullRequestPayload({ action: 'closed', repository, number: 1, headSha: head }),
      );
      const deleted = await settled(server, { pullRequest: 1 }, (found) => found.status === 'deleted');
      expect(deleted.builds[0]).toMatchObject({ kind: 'down', status: 'succeeded' });
      const teardown = (await lines(buildUuid)).filter((line) => line.hook === 'afterTeardown');
      expect(teardown).toHaveLength(1);
      expect(teardown[0]?.result).toMatchObject({ buildUuid, dryRun: false });
      expect(teardown[0]?.result?.actions.some((action) => action.deleted)).toBe(true);
    });
  },
);
