import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvironmentJson, environmentOf, settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { formsIn, registryBlobsText } from './support/serve/secret-forms.js';
import { apiToken, type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload, pushPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// "A pull request is a stranger": one malicious pull request per route, through `deployer serve` with
// real git, a real registry and real buildah builds. Each tries what an attacker would; the test looks
// where an attacker would look (the public page, the API, the logs, every blob anyone can pull).
const missing = missingBuildTools();
const repository = 'acme/shop';
const npmToken = 'npm-token-for-pull-requests-5f1c';
const deployKey = 'deploy-key-for-main-only-8e2a';

/** A registry nobody chose: it counts every request and serves nothing. */
async function strangerRegistry(): Promise<{ host: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A pull request's spec and web service, from `previewFiles`, with the spec's services section replaced. */
function strangerFiles(registryHost: string, marker: string, spec: string[], dockerfile?: string[]) {
  const files = previewFiles(registryHost, marker);
  const head = files['deploy/env.yaml'].split('services:')[0]!;
  return {
    ...files,
    'deploy/env.yaml': `${head}${spec.join('\n')}\n`,
    ...(dockerfile && { 'web/Dockerfile': `${dockerfile.join('\n')}\n` }),
  };
}

const webService = (extra: string[] = []) => [
  'services:',
  '  web:',
  '    context: ../web',
  '    args:',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the spec's own reference syntax
  '      BUSYBOX_IMAGE: "${registry.host}/base/busybox:latest"',
  ...extra,
];

describe.skipIf(missing.length > 0)(
  'deployer serve: a pull request is a stranger',
  { timeout: 420_000 },
  () => {
    let stack: Stack;
    let git: GitRepository;
    let server: ServeProcess;
    let stranger: Awaited<ReturnType<typeof strangerRegistry>>;
    let client: RegistryClient;
    let mainDigest: string;
    let mainImage: string;
    let opened = 0;

    const send = (event: string, payload: unknown) =>
      deliver(server.url, event, payload, { secret: webhookSecret });

    /** Opens pull request `number` at a commit of `files`; resolves once its build finished either way. */
    async function pullRequest(files: Record<string, string>): Promise<EnvironmentJson> {
      opened += 1;
      const number = opened;
      const head = await git.commit(`stranger-${number}`, files, `stranger ${number}`);
      const response = await send(
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number, headSha: head }),
      );
      expect(response.status).toBe(202);
      const deadline = Date.now() + 180_000;
      for (;;) {
        const found = await environmentOf(server, { pullRequest: number });
        if (found?.status === 'built' || found?.status === 'failed') return found;
        if (Date.now() > deadline) throw new Error(`pull request ${number}: ${JSON.stringify(found)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    beforeAll(async () => {
      stack = await startStack();
      stranger = await strangerRegistry();
      client = new RegistryClient({ host: stack.registry.host, insecure: true, credentials: 'anonymous' });
      git = await createGitRepository();
      server = await startServe({
        repositories: [
          {
            name: repository,
            cloneUrl: git.cloneUrl,
            secrets: [
              { id: 'npm', env: 'NPM_TOKEN', pullRequests: true },
              { id: 'deploy-key', env: 'DEPLOY_KEY' },
            ],
          },
        ],
        env: { ...(await stack.env()), NPM_TOKEN: npmToken, DEPLOY_KEY: deployKey },
      });
      const mainSha = await git.commit('main', previewFiles(stack.registry.host, 'main'), 'main');
      await send('push', pushPayload({ repository, branch: 'main', after: mainSha }));
      const main = await settled(server, { buildUuid: 'main' }, (found) => found.status === 'built');
      mainImage = main.services[0]!.image;
      mainDigest = main.services[0]!.digest!;
      expect(mainImage).toMatch(/\/preview\/web:[0-9a-f]{64}$/);
    }, 240_000);

    afterAll(async () => {
      await server?.stop();
      await stranger?.close();
      await stack?.stop();
    });

    it("reaches no server variable: a secret comes by id from the operator's list, or not at all", async () => {
      // Asks for the server's token under an id the operator gives pull requests: gets the npm token.
      const copied = await pullRequest(
        strangerFiles(
          stack.registry.host,
          'copy',
          webService(['    secrets: [{ id: npm, env: DEPLOYER_API_TOKEN }]']),
          [
            'ARG BUSYBOX_IMAGE',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's own variable
            'FROM ${BUSYBOX_IMAGE}',
            'RUN --mount=type=secret,id=npm cp /run/secrets/npm /leaked && cat /leaked',
          ],
        ),
      );
      expect(copied.status).toBe('built');
      // Asks for the webhook secret under an id nobody lists: refused before anything is built.
      const unlisted = await pullRequest(
        strangerFiles(
          stack.registry.host,
          'unlisted',
          webService(['    secrets: [{ id: tok, env: DEPLOYER_WEBHOOK_SECRET }]']),
        ),
      );
      expect(unlisted.status).toBe('failed');
      expect(unlisted.builds[0]!.error).toContain('services.web.secrets[0].id');
      expect(unlisted.builds[0]!.error).toContain('is not one the server config for acme/shop provides');
      // Asks for the main-only deploy key: withheld, the step sees no secret and prints what it has.
      const withheld = await pullRequest(
        strangerFiles(
          stack.registry.host,
          'withheld',
          webService(['    secrets: [{ id: deploy-key, env: DEPLOYER_API_TOKEN }]']),
          [
            'ARG BUSYBOX_IMAGE',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's own variable
            'FROM ${BUSYBOX_IMAGE}',
            'RUN --mount=type=secret,id=deploy-key,required=false cat /run/secrets/deploy-key /proc/self/environ; exit 3',
          ],
        ),
      );
      expect(withheld.status).toBe('failed');

      const pages = await Promise.all(
        [copied, unlisted, withheld].map(async (environment) =>
          (await fetch(`${server.url}/environments/${environment.buildUuid}`)).text(),
        ),
      );
      const api = JSON.stringify([
        (await server.api('/api/environments')).body,
        await Promise.all(
          [copied, unlisted, withheld].map(
            async (environment) => (await server.api(`/api/environments/${environment.buildUuid}`)).body,
          ),
        ),
      ]);
      const blobs = await registryBlobsText(stack.registry.storageDir);
      const everywhere = [...pages, api, server.log(), blobs].join('\n');
      for (const secret of [apiToken, webhookSecret, deployKey])
        expect(formsIn(everywhere, secret)).toEqual([]);
      // The same search finds what the operator did give pull requests: the route is real, and watched.
      expect(formsIn(blobs, npmToken)).toContain('plain');
    });

    it.each([
      ["main's content tag", () => mainImage.split(':').pop()!],
      ['main', () => 'main'],
      ['latest', () => 'latest'],
    ])('cannot write %s: a spec names no tag, and main keeps its image', async (_name, tag) => {
      const poisoned = await pullRequest(
        strangerFiles(stack.registry.host, 'pwned', webService([`    tag: "${tag()}"`]), [
          'ARG BUSYBOX_IMAGE',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's own variable
          'FROM ${BUSYBOX_IMAGE}',
          'RUN echo pwned > /pwned',
        ]),
      );
      expect(poisoned.status).toBe('failed');
      expect(poisoned.builds[0]!.error).toContain('services.web.tag');
      const tags = await client.listTags('preview/web');
      expect(tags).not.toContain('latest');
      expect(await client.headManifest('preview/web', 'main')).toMatchObject({ digest: mainDigest });
    });

    it("never talks to a registry the spec names, and main's next build keeps its image", async () => {
      const elsewhere = await pullRequest({
        ...previewFiles(stack.registry.host, 'elsewhere'),
        'deploy/env.yaml': [
          'registry:',
          `  host: ${stranger.host}`,
          '  repository: loot',
          '  insecure: true',
          'cache:',
          `  registry: ${stranger.host}`,
          '  repository: loot/cache',
          '  insecure: true',
          'fallbacks: [main]',
          ...webService(),
          '',
        ].join('\n'),
      });
      expect(elsewhere.status).toBe('built');
      expect(elsewhere.services[0]!.image).toContain(`${stack.registry.host}/preview/web:`);
      expect(await client.listTags('preview/web')).toContain(elsewhere.buildUuid);
      expect(stranger.requests).toEqual([]);

      // main again, its own content at a new commit: its image is skipped, never replaced.
      const again = await git.commit(
        'main',
        { ...previewFiles(stack.registry.host, 'main'), 'README.md': 'main, again\n' },
        'main again',
      );
      await send('push', pushPayload({ repository, branch: 'main', after: again }));
      const main = await settled(
        server,
        { buildUuid: 'main' },
        (found) => found.sha === again && found.status === 'built',
      );
      expect(main.services[0]!.digest).toBe(mainDigest);
      expect(await client.headManifest('preview/web', 'main')).toMatchObject({ digest: mainDigest });
    });

    it('cannot escape teardown by breaking its spec on its last push: closing removes what it built', async () => {
      const built = await pullRequest(previewFiles(stack.registry.host, 'then-broken'));
      expect(built.status).toBe('built');
      const number = opened;
      const broken = await git.commit(
        `stranger-${number}`,
        { 'deploy/env.yaml': 'services: [unclosed\n' },
        'break the spec',
      );
      await send(
        'pull_request',
        pullRequestPayload({ action: 'synchronize', repository, number, headSha: broken }),
      );
      const failed = await settled(
        server,
        { pullRequest: number },
        (found) => found.sha === broken && found.builds[0]?.status !== 'running',
      ).catch(() => undefined);
      expect(failed === undefined || failed.builds[0]?.status !== 'succeeded').toBe(true);
      await send(
        'pull_request',
        pullRequestPayload({ action: 'closed', repository, number, headSha: broken }),
      );
      const deadline = Date.now() + 60_000;
      for (;;) {
        const found = await environmentOf(server, { pullRequest: number });
        if (found?.status === 'deleted') break;
        if (Date.now() > deadline) throw new Error(`never torn down: ${JSON.stringify(found)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const left = (await client.listTags('preview/web')).filter((tag) => tag.includes(built.buildUuid));
      expect(left).toEqual([]);
      expect(await client.headManifest('preview/web', 'main')).toMatchObject({ digest: mainDigest });
    });
  },
);
