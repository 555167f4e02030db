// The next pull request's cache after a merge (issue 26): through `deployer serve` (the built CLI, an
// embedded state folder, a local git repository served as a file:// clone URL, signed webhook deliveries),
// main is built at A; pull request #1 changes each of two services' `marker` (B) and is built; it merges
// fast-forward (`closed`, merged, then `push` of main at B: main's build skips both services); then pull
// request #2 from B changes only each service's last step. Printed: #2's cached steps, beside the figure a
// cache as fresh as B gives (the target) and the one a cache at A gives (main's before the fix), both
// measured with `deployer build` of #2's files against a reference environment built at B and at A.
//
// Each service: FROM scratch; COPY busybox; RUN; RUN; COPY marker; RUN last, every step the service's own
// (5 counted steps, 10 in all). The daemon is pruned (`buildctl prune --all`) before every build, so every
// hit comes from the registry: BUILDKIT_HOST must be a dedicated daemon on this machine (the bench prunes
// it) that reaches the loopback registry over plain HTTP (the runner sets `registry.insecure=true`).
// Needs docker-registry, busybox-static and git. Fails when a build fails or #2's figure misses the target.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLocalRegistry } from '@deployer/local-registry';
import { execa } from 'execa';
import { startServeProcess } from '../support/serve-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const deployerBin = join(here, '..', '..', 'apps', 'deployer', 'bin', 'deployer.cjs');
const buildkitHost = process.env.BUILDKIT_HOST;
const buildctl = process.env.BUILDCTL ?? 'buildctl';
const busyboxPath = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
const services = ['web', 'api'];
const secret = 'bench-webhook-secret-0123456789';
const token = 'bench-api-token-0123456789';
const repository = 'acme/shop';

const cpuList = cpus();
console.log(
  `machine: ${cpuList[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ` +
    `load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
);
if (!buildkitHost || busyboxPath === undefined) {
  console.log(`skipped: needs ${!buildkitHost ? 'BUILDKIT_HOST (a dedicated daemon)' : 'busybox-static'}`);
  process.exit(0);
}

/** The repository's files at one state: both services' Dockerfiles, markers and the spec. */
function files(registryHost, { marker, last = 'first' }) {
  const busybox = readFileSync(busyboxPath);
  const out = {
    'deploy/env.yaml': `registry: { host: ${registryHost}, repository: bench-warm, insecure: true }\ncache: { repository: bench-warm/cache, strategy: path }\nservices:\n${services.map((s) => `  ${s}: { context: ../${s} }`).join('\n')}\n`,
  };
  for (const s of services) {
    out[`${s}/busybox`] = busybox;
    out[`${s}/marker`] = `${s} ${marker}\n`;
    out[`${s}/Dockerfile`] = [
      'FROM scratch',
      `SHELL ["/${s}/busybox", "sh", "-c"]`,
      `COPY --chmod=755 busybox /${s}/busybox`,
      `RUN echo ${s} one > /${s}/one`,
      `RUN echo ${s} two > /${s}/two`,
      `COPY marker /${s}/marker`,
      `RUN echo ${s} last ${last} > /${s}/last`,
      '',
    ].join('\n');
  }
  return out;
}

async function writeTree(dir, tree) {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

const prune = () => execa(buildctl, ['--addr', buildkitHost, 'prune', '--all']);
const cached = (report) => {
  const sum = (key) => report.services.reduce((total, service) => total + service.steps[key], 0);
  return `${sum('cached')}/${sum('total')}`;
};

/** Starts the built `deployer serve` on a free loopback port; resolves once it listens. */
async function startServe(dir, registryHost, cloneUrl) {
  const config = join(dir, 'server.yaml');
  await writeFile(
    config,
    JSON.stringify({
      repositories: [
        {
          name: repository,
          cloneUrl,
          spec: 'deploy/env.yaml',
          fallback: 'main',
          registry: { host: registryHost, repository: 'bench-serve', insecure: true },
          cache: { repository: 'bench-serve/cache', strategy: 'path' },
        },
      ],
    }),
  );
  const args = ['-c', config, '--listen', '127.0.0.1:0', '--replica', 'bench'];
  args.push('--state-dir', join(dir, 'state'), '--work-dir', join(dir, 'work'), '--drain-seconds', '5');
  const serve = startServeProcess({
    bin: deployerBin,
    args,
    env: {
      ...process.env,
      DEPLOYER_WEBHOOK_SECRET: secret,
      DEPLOYER_API_TOKEN: token,
      DEPLOYER_ENGINE: 'buildkit',
      DEPLOYER_INSECURE_REGISTRIES: registryHost,
    },
  });
  const url = await serve.url;
  let deliveries = 0;
  const api = async (path) =>
    (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
  return {
    log: serve.output,
    async send(event, payload) {
      const body = JSON.stringify({
        ...payload,
        repository: { full_name: repository, default_branch: 'main' },
      });
      const response = await fetch(`${url}/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': `bench-${process.pid}-${++deliveries}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
      if (response.status >= 300) throw new Error(`${event}: ${response.status} ${await response.text()}`);
    },
    /** The environment once `until` holds; throws on a failed build or after 180 s. */
    async environment(find, until) {
      const deadline = Date.now() + 180_000;
      for (;;) {
        const summary = (await api('/api/environments')).environments.find(find);
        const detail =
          summary && (await api(`/api/environments/${summary.buildUuid}?repository=${repository}`));
        if (detail && until(detail)) return detail;
        const failed = detail?.builds.find((build) => build.status === 'failed');
        if (failed) throw new Error(`${detail.buildUuid} failed at ${failed.sha}: ${failed.error}`);
        if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(detail)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    stop: serve.stop,
  };
}

const pullRequest = (action, number, sha, head, mergeCommitSha) => ({
  action,
  number,
  pull_request: {
    number,
    state: action === 'closed' ? 'closed' : 'open',
    title: `pull request ${number}`,
    labels: [],
    head: { sha, ref: head, label: `acme:${head}`, repo: { full_name: repository } },
    base: { ref: 'main', label: 'acme:main', repo: { full_name: repository } },
    merged: mergeCommitSha !== undefined,
    merge_commit_sha: mergeCommitSha ?? null,
  },
});
const push = (sha) => ({ ref: 'refs/heads/main', after: sha, deleted: false });
const builtAt = (sha) => (environment) =>
  environment.builds.find(
    (build) => build.sha === sha && build.status === 'succeeded' && build.kind === 'build',
  );

const registry = await startLocalRegistry();
const scratch = await mkdtemp(join(tmpdir(), 'deployer-bench-merge-'));
let server;
let failed = false;
try {
  // The repository: a bare origin and a working clone.
  const bare = join(scratch, 'origin.git');
  const work = join(scratch, 'work');
  const git = async (...args) =>
    (
      await execa('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], {
        cwd: work,
      })
    ).stdout;
  await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await execa('git', ['init', '--quiet', '--initial-branch=main', work]);
  const commit = async (branch, state) => {
    await git('checkout', '--quiet', '-B', branch);
    await writeTree(work, files(registry.host, state));
    await git('add', '--all');
    await git('commit', '--quiet', '-m', `${branch} ${JSON.stringify(state)}`);
    await git('push', '--quiet', '--force', bare, `${branch}:${branch}`);
    return (await git('rev-parse', 'HEAD')).trim();
  };
  const serveDir = join(scratch, 'serve');
  await mkdir(serveDir);
  server = await startServe(serveDir, registry.host, pathToFileURL(bare).href);
  const main = (environment) => environment.buildUuid === 'main';
  const number = (n) => (environment) => environment.pullRequest === n;

  const a = await commit('main', { marker: 'A' });
  await prune();
  await server.send('push', push(a));
  await server.environment(main, builtAt(a));

  const b = await commit('feature-1', { marker: 'B' });
  await prune();
  await server.send('pull_request', pullRequest('opened', 1, b, 'feature-1'));
  await server.environment(number(1), builtAt(b));

  await git('checkout', '--quiet', 'main');
  await git('merge', '--quiet', '--ff-only', 'feature-1');
  await git('push', '--quiet', bare, 'main:main');
  await server.send('pull_request', pullRequest('closed', 1, b, 'feature-1', b));
  await server.send('push', push(b));
  const merged = await server.environment(main, builtAt(b));
  const skipped = builtAt(b)(merged).report.services;
  console.log(
    `main at the merge: ${skipped.map((s) => `${s.service} ${s.status}, cache ${s.cacheRefresh?.status ?? 'not refreshed'}`).join('; ')}`,
  );

  await git('checkout', '--quiet', 'main');
  const c = await commit('feature-2', { marker: 'B', last: 'changed' });
  await prune();
  await server.send('pull_request', pullRequest('opened', 2, c, 'feature-2'));
  const next = cached(builtAt(c)(await server.environment(number(2), builtAt(c))).report);

  // The references, with `deployer build` of the same files: a cache at B (target) and one at A.
  const build = async (name, state, args) => {
    const dir = join(scratch, `cli-${name}`);
    await writeTree(dir, files(registry.host, state));
    await prune();
    const result = await execa(
      process.execPath,
      [
        deployerBin,
        'build',
        '-f',
        join(dir, 'deploy/env.yaml'),
        '--root',
        dir,
        '--uuid',
        name,
        '--json',
        ...args,
      ],
      { env: { DEPLOYER_ENGINE: 'buildkit', DEPLOYER_INSECURE_REGISTRIES: registry.host }, reject: false },
    );
    if (result.exitCode !== 0) throw new Error(`deployer build ${name}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  await build('ref-a', { marker: 'A' }, ['--force', '--no-fallbacks']);
  await build('ref-b', { marker: 'B' }, ['--force', '--no-fallbacks']);
  const fresh = cached(
    await build('next-fresh', { marker: 'B', last: 'changed' }, ['--force', '--fallback', 'ref-b']),
  );
  const stale = cached(
    await build('next-stale', { marker: 'B', last: 'changed' }, ['--force', '--fallback', 'ref-a']),
  );

  const met = next === fresh;
  console.log(
    `next pull request after a merge, cached steps: ${next}   target ${fresh} (a cache as fresh as the merge): ${met ? 'met' : 'not met'}`,
  );
  console.log(`the same pull request from a cache at the merge's parent (main before issue 26): ${stale}`);
  if (!met) failed = true;
} catch (error) {
  failed = true;
  console.error(`FAILED: ${error instanceof Error ? error.message : error}`);
  if (server) console.error(server.log().slice(-4000));
} finally {
  await server?.stop();
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
