// The deployer arm's server: one Postgres and two `deployer serve` replicas of the built CLI on it (separate
// processes, one server config, different --replica names), each given the whole BuildKit pool. Webhooks
// go to the replicas in turn, as a load balancer would; both answer the API from the shared database.
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@deployer/local-postgres';
import { startServeProcess } from '../serve-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const deployerBin = join(here, '..', '..', '..', 'apps', 'deployer', 'bin', 'deployer.cjs');
export const repository = 'incident/app';
/** Images at `<registry>/incident/<service>`, caches at `<registry>/incident/cache/<service>/<uuid>`. */
export const imageRepository = 'incident';
export const cacheRepository = 'incident/cache';
const secret = 'incident-bench-webhook-secret-0123456789';
const token = 'incident-bench-api-token-0123456789';

/**
 * The replicas' environment: the caller's (PATH must reach `buildctl`), minus anything that would pick
 * other daemons or another database than the flags say.
 */
function serveEnv(registryHost) {
  const {
    BUILDKIT_HOST: _host,
    DEPLOYER_BUILDKIT_HOSTS: _hosts,
    DATABASE_URL: _database,
    DEPLOYER_SERVER_CONFIG: _config,
    ...inherited
  } = process.env;
  return {
    ...inherited,
    DEPLOYER_WEBHOOK_SECRET: secret,
    DEPLOYER_API_TOKEN: token,
    DEPLOYER_ENGINE: 'buildkit',
    DEPLOYER_INSECURE_REGISTRIES: registryHost,
  };
}

export async function startReplicas({ dir, registryHost, cloneUrl, daemons, perDaemon }) {
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'server.yaml');
  // JSON is YAML. The spec's own registry and cache are never read under serve: these replace them.
  await writeFile(
    config,
    JSON.stringify({
      repositories: [
        {
          name: repository,
          cloneUrl,
          spec: 'deploy/env.yaml',
          fallback: 'main',
          registry: { host: registryHost, repository: imageRepository, insecure: true },
          cache: { repository: cacheRepository, strategy: 'path' },
        },
      ],
    }),
  );
  const postgres = await startPostgres();
  const replicas = [];
  try {
    // Both at once on the empty database, as a Deployment's pods start: the state's migrations take a
    // lock, so one replica migrates and the other waits for it.
    for (const name of ['a', 'b']) {
      const args = ['-c', config, '--listen', '127.0.0.1:0', '--replica', `incident-${name}`];
      args.push('--database-url', postgres.url);
      args.push('--state-dir', join(dir, `state-${name}`), '--work-dir', join(dir, `work-${name}`));
      args.push('--drain-seconds', '5', ...daemons.flatMap((address) => ['--buildkit-host', address]));
      if (perDaemon !== undefined) args.push('--builds-per-daemon', String(perDaemon));
      replicas.push(startServeProcess({ bin: deployerBin, args, env: serveEnv(registryHost) }));
    }
    for (const serve of replicas) serve.baseUrl = await serve.url;
  } catch (error) {
    await Promise.all(replicas.map((serve) => serve.stop()));
    await postgres.stop();
    throw error;
  }

  let deliveries = 0;
  const api = async (path) => {
    const response = await fetch(`${replicas[0].baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    /** Each replica's serve process (`child.pid` is the root of its process tree). */
    replicas,
    /**
     * Delivers a signed event to the next replica in turn; resolves to serve's answer (`buildUuid` when it
     * queued work) once it is stored.
     */
    async send(event, payload) {
      const body = JSON.stringify({
        ...payload,
        repository: { full_name: repository, default_branch: 'main' },
      });
      deliveries += 1;
      const target = replicas[deliveries % replicas.length];
      const response = await fetch(`${target.baseUrl}/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': `incident-${process.pid}-${deliveries}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
      const answer = await response.json().catch(() => ({}));
      if (response.status !== 202 || answer.result !== 'accepted') {
        throw new Error(`${event} delivery: ${response.status} ${JSON.stringify(answer)}`);
      }
      return answer;
    },
    environments: async () => (await api('/api/environments')).environments,
    environment: (buildUuid) =>
      api(`/api/environments/${encodeURIComponent(buildUuid)}?repository=${encodeURIComponent(repository)}`),
    /** Both replicas' logs, for a failure. */
    logs: () =>
      replicas.map((serve, index) => `--- replica ${index}\n${serve.output().slice(-3000)}`).join('\n'),
    async stop() {
      await Promise.all(replicas.map((serve) => serve.stop()));
      await postgres.stop();
    },
  };
}

/** GitHub's `pull_request` payload, the fields serve reads. */
export function pullRequestPayload({ action, pr, sha, branch, mergeSha }) {
  return {
    action,
    number: pr,
    pull_request: {
      number: pr,
      state: action === 'closed' ? 'closed' : 'open',
      title: `pull request ${pr}`,
      labels: [],
      head: { sha, ref: branch, label: `incident:${branch}`, repo: { full_name: repository } },
      base: { ref: 'main', label: 'incident:main', repo: { full_name: repository } },
      merged: mergeSha !== undefined,
      merge_commit_sha: mergeSha ?? null,
    },
  };
}

/** GitHub's `push` payload to main. */
export const pushPayload = (sha) => ({ ref: 'refs/heads/main', after: sha, deleted: false });
