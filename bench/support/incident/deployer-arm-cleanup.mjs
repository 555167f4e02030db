// The end of the deployer arm: every closed pull request's teardown (serve's `down` of its environment: its
// images and the caches it owns; a merged one's waits until main's build has warmed from it), then
// `deployer cache gc` as an operator would run it, against the same registry and repositories as serve.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cacheRepository, deployerBin, imageRepository } from './deployer-arm-replicas.mjs';

/**
 * Waits until every pull request environment is `deleted` (its down build succeeded). false when one
 * failed its teardown or `timeoutMs` passed first; `waiting` names those not deleted.
 */
export async function waitForTeardowns({ server, expected, timeoutMs, log }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pullRequests = (await server.environments()).filter((found) => found.kind === 'pull_request');
    const waiting = pullRequests.filter((found) => found.status !== 'deleted');
    const failed = waiting.filter((found) => found.status === 'failed' && found.lastBuild?.kind === 'down');
    if (waiting.length === 0 && pullRequests.length >= expected) return { tornDown: true, waiting: [] };
    if (failed.length > 0 || Date.now() > deadline) {
      const names = waiting.map((found) => `#${found.pullRequest} ${found.status}`);
      log(`  teardowns not finished: ${names.join(', ')}`);
      return { tornDown: false, waiting: names };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * `deployer cache gc` of the repository's spec as serve builds it (registry, image and cache repositories
 * of the server config, `fallbacks: [main]` so main's caches and images stay, which the server config says
 * for serve and a spec must say for the CLI). `--older-than 1s`: every pull request is closed and torn down
 * by now, so anything of theirs left is garbage whatever its age. The spec's services point at the tree of
 * main's last commit (written to `dir`), as an operator's checkout would.
 */
export async function runCacheGc({ dir, registryHost, services, mainFiles }) {
  for (const [path, content] of Object.entries(mainFiles)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const spec = join(dir, 'deploy', 'gc.yaml');
  await mkdir(dirname(spec), { recursive: true });
  await writeFile(
    spec,
    JSON.stringify({
      registry: { host: registryHost, repository: imageRepository, insecure: true },
      cache: { repository: cacheRepository, strategy: 'path' },
      fallbacks: ['main'],
      services: Object.fromEntries(services.map((service) => [service, { context: `../${service}` }])),
    }),
  );
  const result = await execa(
    process.execPath,
    [deployerBin, 'cache', 'gc', '-f', spec, '--root', dir, '--older-than', '1s', '--json'],
    {
      env: { ...process.env, NO_COLOR: '1', DEPLOYER_INSECURE_REGISTRIES: registryHost },
      reject: false,
    },
  );
  if (result.exitCode !== 0) {
    return { exitCode: result.exitCode, summary: { error: result.stderr.trim().split('\n').at(-1) ?? '' } };
  }
  const gc = JSON.parse(result.stdout);
  const deleted = gc.entries.filter((entry) => entry.action === 'delete');
  return {
    exitCode: 0,
    summary: {
      cacheRefsDeleted: deleted.filter((entry) => entry.deleted).length,
      cacheRefsKept: gc.entries.length - deleted.length,
      cacheBytesDeleted: deleted.reduce((sum, entry) => sum + (entry.sizeBytes ?? 0), 0),
      imagesDeleted: gc.images.filter((entry) => entry.action !== 'keep' && entry.deleted).length,
      imagesKept: gc.images.filter((entry) => entry.action === 'keep').length,
      leasesDeleted: gc.leases.filter((entry) => entry.action === 'delete').length,
      runTagsDeleted: gc.runTags.filter((entry) => entry.action === 'delete').length,
      kept: gc.entries
        .filter((entry) => entry.action === 'keep')
        .map((entry) => `${entry.ref}: ${entry.reason}`),
    },
  };
}
