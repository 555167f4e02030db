// Arm 3 of the incident-replay bench: deployer. `deployer serve` as two replicas on one Postgres with the
// bench's BuildKit daemons as its pool, driven by signed GitHub webhooks replaying the workload's events at
// their times: pushes to main, pull requests opened, pushed and closed (merged ones followed by main's
// push of the merge commit). Measured: each push's webhook → built, its queue wait, every service built,
// the replicas' peak memory, one warm build on the idle pool, the teardowns and `deployer cache gc`.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { followBuilds, pushRecord, serviceRecords } from './deployer-arm-builds.mjs';
import { runCacheGc, waitForTeardowns } from './deployer-arm-cleanup.mjs';
import { branchOf, createArmRepository, planCommits } from './deployer-arm-git.mjs';
import { pullRequestPayload, pushPayload, startReplicas } from './deployer-arm-replicas.mjs';
import { sampleTreeRss } from './deployer-arm-rss.mjs';

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/**
 * `appFiles(state)` → the repository's files at a workload state (the bench binds app.mjs's appFiles to its
 * services, base image and registry); `perDaemon`,
 * when given, is serve's --builds-per-daemon (the raw arms' limit), else serve's default. Timeouts bound
 * the waits after the replay: builds settling, and the teardowns (a merged pull request's waits for
 * main's next build).
 */
export async function runDeployerArm({
  scratch,
  registry,
  daemons,
  workload,
  services,
  appFiles,
  perDaemon,
  log,
  settleTimeoutMs = 20 * 60_000,
  teardownTimeoutMs = 10 * 60_000,
}) {
  const dir = join(scratch, 'deployer-arm');
  await mkdir(dir, { recursive: true });
  const filesOf = (state) => appFiles(state);
  const repository = await createArmRepository(join(dir, 'git'));
  const commits = await planCommits({ repository, events: workload.events, filesOf });
  log(`deployer: ${commits.plan.size} commits made; starting Postgres and two serve replicas`);
  const server = await startReplicas({
    dir: join(dir, 'serve'),
    registryHost: registry.host,
    cloneUrl: repository.cloneUrl,
    daemons: daemons.addresses,
    perDaemon,
  });
  const [replicaA, replicaB] = server.replicas;
  const rss = sampleTreeRss({ replicaA: replicaA.child.pid, replicaB: replicaB.child.pid });
  const builds = followBuilds({ server, services, log });
  const pullRequests = new Set();
  let lastMainState;

  /** Moves the branch, sends the event, and follows the build it queued. */
  const deliver = async (event) => {
    const step = commits.plan.get(event.seq);
    if (event.kind === 'close') {
      const payload = pullRequestPayload({
        action: 'closed',
        pr: event.pr,
        sha: commits.headOf(event.pr),
        branch: branchOf(event.pr),
        mergeSha: event.merged ? step.mergeSha : undefined,
      });
      await server.send('pull_request', payload);
      return;
    }
    await repository.publish(step.branch, step.sha);
    const webhookAt = Date.now();
    const answer =
      event.kind === 'main'
        ? await server.send('push', pushPayload(step.sha))
        : await server.send(
            'pull_request',
            pullRequestPayload({
              action: event.kind === 'open' ? 'opened' : 'synchronize',
              pr: event.pr,
              sha: step.sha,
              branch: step.branch,
            }),
          );
    if (event.kind === 'main') lastMainState = event.state;
    else pullRequests.add(event.pr);
    const pr = event.pr ?? null;
    const environment = answer.buildUuid ?? 'main';
    builds
      .track({ pr, seq: event.seq, kind: event.kind, environment, sha: step.sha, webhookAt })
      .then((push) => {
        if (push.build.status === 'failed')
          log(`  ${environment} at ${event.seq} failed: ${push.build.error}`);
      });
  };

  try {
    const events = workload.events;
    const startedAt = Date.now();
    let nextProgress = startedAt + 30_000;
    for (const [index, event] of events.entries()) {
      await sleepUntil(startedAt + event.at);
      await deliver(event);
      if (Date.now() >= nextProgress) {
        nextProgress += 30_000;
        const done = builds.settled().length;
        log(
          `  deployer t+${Math.round((Date.now() - startedAt) / 1000)}s: ${index + 1}/${events.length} events, ${done} builds settled`,
        );
      }
    }
    log('deployer: every event sent; waiting for the builds to settle');
    await builds.idle(settleTimeoutMs);
    const endedAt = Date.now();

    // The warm build: one push to main (every pull request is closed by now) changing one service's
    // sources, what the workload's own pushes change (app.mjs's state: `src[service]`), on the idle pool:
    // main's own cache is as warm as the workload left it.
    const warmState = { ...lastMainState, src: { ...lastMainState.src, [services[0]]: 'warm.1' } };
    const warmSha = await repository.commit(filesOf(warmState), [commits.mainSha()], 'warm push');
    await repository.publish('main', warmSha);
    const warmAt = Date.now();
    await server.send('push', pushPayload(warmSha));
    const warm = await builds.track({
      pr: null,
      seq: -1,
      kind: 'warm',
      environment: 'main',
      sha: warmSha,
      webhookAt: warmAt,
    });
    const warmRecord = pushRecord(warm);
    log(
      `deployer: warm build of main ${warmRecord.builtAt - warmAt} ms (${warm.build.status}; ${warmRecord.services.join(', ')})`,
    );

    const teardown = await waitForTeardowns({
      server,
      expected: pullRequests.size,
      timeoutMs: teardownTimeoutMs,
      log,
    });
    const memory = await rss.stop();
    await builds.stop();
    await server.stop();
    log('deployer: serve stopped; running deployer cache gc');
    const cacheGc = await runCacheGc({
      dir: join(dir, 'gc'),
      registryHost: registry.host,
      services,
      mainFiles: filesOf(warmState),
    });
    return {
      ...summarize(
        builds.settled().filter((push) => push.kind !== 'warm'),
        services,
      ),
      peakRssBytes: memory.peaks,
      rssSamples: memory.samples,
      warmBuildMs: warm.build.status === 'succeeded' ? warmRecord.builtAt - warmAt : null,
      warmBuild: { ...warmRecord, builds: serviceRecords(warm, false, services).records },
      tornDown: teardown.tornDown,
      notTornDown: teardown.waiting,
      cacheGc,
      startedAt,
      endedAt,
    };
  } catch (error) {
    log(`deployer arm failed: ${error.message}\n${server.logs()}`);
    throw error;
  } finally {
    await rss.stop();
    await builds.stop();
    await server.stop();
  }
}

/**
 * The interface's `builds` and `pushes` from the settled pushes. A push whose build was superseded (a
 * newer push or the close came first: serve dropped or discarded it) or cancelled is neither built nor
 * failed: left out of both, counted in `superseded`. An environment's first build is its earliest push
 * whose build was not superseded.
 */
function summarize(settled, services) {
  const builds = [];
  const pushes = [];
  const seen = new Set();
  let superseded = 0;
  let supersededServices = 0;
  for (const push of settled) {
    if (push.build.status === 'superseded' || push.build.status === 'cancelled') {
      superseded += 1;
      continue;
    }
    const first = !seen.has(push.environment);
    seen.add(push.environment);
    pushes.push(pushRecord(push));
    const built = serviceRecords(push, first, services);
    builds.push(...built.records);
    supersededServices += built.superseded;
  }
  return { builds, pushes, superseded, supersededServices };
}
