import { randomBytes } from 'node:crypto';
import { RegistryClient } from '@deployer/registry';
import type { OwnBuildkitDaemon } from '../own-buildkit-daemon.js';
import { type BranchingRepository, createBranchingRepository } from './branching-repository.js';
import { type EnvironmentJson, settled } from './environments.js';
import { type ServeOptions, type ServeProcess, startServe, webhookSecret } from './serve-process.js';
import { newestReport, type StoredReport, warmFiles, warmServices } from './warm-fixture.js';
import { deliver, type Json } from './webhook-payloads.js';

/*
 * One repository of the warm-merge suites: its git repository, its own image repository in the test
 * registry (so no other case's content tags or caches meet it), the `deployer serve` processes that
 * build it on the suite's own BuildKit daemon, and what the cases ask of them.
 */
export const warmRepository = 'acme/shop';

export interface WarmCase {
  git: BranchingRepository;
  /** The image repository: images at `<images>/<service>`, caches at `<images>/cache/<service>/<uuid>`. */
  images: string;
  registry: string;
  daemon: OwnBuildkitDaemon;
  /** Starts a `deployer serve` of this repository (another replica when `databaseUrl` is shared). */
  serve(options?: Partial<ServeOptions> & { branches?: string[] }): Promise<ServeProcess>;
  /** Delivers a signed event; resolves to the server's answer (`buildUuid` when it queued a build). */
  send(server: ServeProcess, event: string, payload: unknown): Promise<Json>;
  /** Commits `state` of the two services on `branch` (created from `from`). */
  commit(branch: string, state: { marker: string; last?: string }, from?: string): Promise<string>;
  /** Waits until the environment has built `sha`; returns it and that build's report. */
  built(
    server: ServeProcess,
    match: { pullRequest: number } | { buildUuid: string },
    sha: string,
  ): Promise<{ environment: EnvironmentJson; report: StoredReport }>;
  /**
   * Prunes the daemon (every hit of the next build must come from the registry), runs `deliver`, and waits
   * until the environment has built `sha`; returns its report.
   */
  measured(
    server: ServeProcess,
    match: { pullRequest: number } | { buildUuid: string },
    sha: string,
    deliver: () => Promise<unknown>,
  ): Promise<{ environment: EnvironmentJson; report: StoredReport }>;
  /** Sorted tags of a repository of the test registry; none when it does not exist. */
  tags(name: string): Promise<string[]>;
  /** Every tag, under the images and cache repositories of both services, that names `buildUuid`. */
  leftovers(buildUuid: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startWarmCase(registry: string, daemon: OwnBuildkitDaemon): Promise<WarmCase> {
  const git = await createBranchingRepository();
  const images = `warm-${randomBytes(4).toString('hex')}`;
  const client = new RegistryClient({ host: registry, insecure: true, credentials: 'anonymous' });
  const servers: ServeProcess[] = [];
  const tags = async (name: string) => (await client.listTags(name).catch(() => [])).sort();
  const self: WarmCase = {
    git,
    images,
    registry,
    daemon,
    async serve({ branches, ...options } = {}) {
      const repository = {
        name: warmRepository,
        cloneUrl: git.cloneUrl,
        registry: { host: registry, repository: images },
        ...(branches && { branches }),
      };
      const server = await startServe({
        ...options,
        repositories: [repository],
        env: {
          DEPLOYER_REGISTRY: registry,
          DEPLOYER_INSECURE_REGISTRIES: registry,
          DEPLOYER_ENGINE: 'buildkit',
          BUILDKIT_HOST: daemon.host,
        },
      });
      servers.push(server);
      return server;
    },
    async send(server, event, payload) {
      const response = await deliver(server.url, event, payload, { secret: webhookSecret });
      if (response.status !== 202 && response.status !== 200) {
        throw new Error(`${event} delivery answered ${response.status}: ${JSON.stringify(response.body)}`);
      }
      return response.body;
    },
    commit: (branch, state, from) =>
      git.commit(branch, warmFiles(registry, state), `${branch}: ${JSON.stringify(state)}`, { from }),
    async measured(server, match, sha, send) {
      await daemon.prune();
      await send();
      return self.built(server, match, sha);
    },
    async built(server, match, sha) {
      const environment = await settled(
        server,
        match,
        (found) => found.builds.some((build) => build.sha === sha && build.status === 'succeeded'),
        120_000,
      );
      return { environment, report: newestReport(environment, sha) };
    },
    tags,
    async leftovers(buildUuid) {
      const names = warmServices.flatMap((service) => [
        `${images}/${service}`,
        `${images}/cache/${service}/${buildUuid}`,
      ]);
      const found = await Promise.all(
        names.map(async (name) =>
          (await tags(name))
            .filter((tag) => name.endsWith(buildUuid) || tag.includes(buildUuid))
            .map((tag) => `${name}:${tag}`),
        ),
      );
      return found.flat();
    },
    async stop() {
      await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
      await git.remove();
    },
  };
  return self;
}
