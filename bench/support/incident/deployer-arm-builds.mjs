// Follows every push of the deployer arm to its build through serve's API: the environment's build at the
// push's sha (`/api/environments/<build uuid>`, whose builds carry status, error, report and the database's
// queuedAt/startedAt/finishedAt). Every half second the list of environments (one request, each with its
// newest build) says which environments changed; only those are read in detail, and every pending one each
// few seconds, so the poll costs the replicas little CPU. The times come from the build rows, not from when
// the poll saw them, so the poll's period adds nothing to the figures.

/** The last non-empty line of an error text (what failure classes read); null for none. */
const lastLine = (text) =>
  text
    ?.split('\n')
    .map((line) => line.trim())
    .findLast((line) => line.length > 0) ?? null;

/** A failed service's error: the last `error` line of its log tail, else its reason, else the build's. */
function serviceError(service, build) {
  const tail = (service.failure?.logTail ?? []).map((line) => line.trim()).filter(Boolean);
  const line = tail.findLast((candidate) => /error/i.test(candidate)) ?? tail.at(-1);
  return line ?? lastLine(service.reason) ?? lastLine(build.error);
}

const settledStatuses = new Set(['succeeded', 'failed', 'superseded', 'cancelled']);
const pollEveryMs = 500;
const fullPollEveryMs = 5000;

export function followBuilds({ server, services, log }) {
  const pending = new Map();
  const settled = [];
  let failure = null;
  let stopped = false;
  let wake = () => {};

  // The newest build and generation each environment had when last read in detail.
  const seen = new Map();
  let lastFullPoll = 0;
  const poll = async () => {
    const byEnvironment = new Map();
    for (const push of pending.values()) {
      byEnvironment.set(push.environment, [...(byEnvironment.get(push.environment) ?? []), push]);
    }
    const full = Date.now() - lastFullPoll > fullPollEveryMs;
    if (full) lastFullPoll = Date.now();
    const summaries = new Map((await server.environments()).map((found) => [found.buildUuid, found]));
    for (const [environment, pushes] of byEnvironment) {
      const summary = summaries.get(environment);
      const mark = `${summary?.generation}:${summary?.lastBuild?.id}:${summary?.lastBuild?.status}`;
      if (!full && seen.get(environment) === mark) continue;
      seen.set(environment, mark);
      // At most the newest 20 builds are listed; a push's build is among them for far longer than a poll.
      const { builds } = await server.environment(environment);
      for (const push of pushes) {
        const build = builds.find((candidate) => candidate.kind === 'build' && candidate.sha === push.sha);
        if (build === undefined || !settledStatuses.has(build.status)) continue;
        pending.delete(push.key);
        settled.push({ ...push, build });
        push.resolve({ ...push, build });
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      if (pending.size > 0) {
        try {
          await poll();
        } catch (error) {
          // A failed request is retried at the next poll; a server that stays gone ends in idle()'s timeout.
          failure = error;
          log(`  api poll failed: ${error.message}`);
        }
      }
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollEveryMs);
      });
    }
  })();

  return {
    /** Registers a push (sent at `webhookAt`); resolves once its build is settled. */
    track(push) {
      return new Promise((resolve) => {
        const key = `${push.environment}@${push.sha}`;
        pending.set(key, { ...push, key, resolve });
        wake();
      });
    },
    /** Resolves once nothing is pending; rejects after `timeoutMs` naming what is. */
    async idle(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0) {
        if (Date.now() > deadline) {
          const waiting = [...pending.values()].map((push) => `${push.environment}@${push.sha.slice(0, 8)}`);
          throw new Error(
            `builds not settled after ${timeoutMs} ms: ${waiting.join(', ')} (${failure?.message ?? 'no API error'})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
      }
    },
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
    /** Every settled push, in the order the workload sent them. */
    settled: () => settled.toSorted((a, b) => a.seq - b.seq),
    services,
  };
}

/**
 * A settled push as the interface's push record: webhook sent → the build row finished (what the API shows
 * from then on). Queue wait is not a field of the API; it is derived from the build row's own times,
 * `startedAt − queuedAt` (queued when the webhook was stored, started when a replica claimed its job,
 * which waits for a free job slot and for the environment's previous build).
 */
export function pushRecord(push) {
  const { build } = push;
  const builtAt = Date.parse(build.finishedAt);
  return {
    pr: push.pr,
    seq: push.seq,
    environment: push.environment,
    webhookAt: push.webhookAt,
    builtAt,
    queueWaitMs: Date.parse(build.startedAt) - Date.parse(build.queuedAt),
    ok: build.status === 'succeeded',
    services: (build.report?.services ?? []).map((service) => `${service.service}:${service.status}`),
  };
}

/**
 * One record per service the build built (or failed to). `skipped` (its image already exists: nothing
 * built) is not a build and is left out; a `superseded` service (a newer run took it over) is counted
 * apart. A build that failed before any service ran (no report) fails every service with the build's error.
 * Per service there is no start time in the report: each starts with the build (services of one build run
 * at once) and ends after its own durationMs.
 */
export function serviceRecords(push, first, services) {
  const { build } = push;
  const base = { environment: push.environment, pr: push.pr, seq: push.seq, first };
  const startedAt = Date.parse(build.report?.startedAt ?? build.startedAt);
  const reported = build.report?.services;
  if (!Array.isArray(reported) || reported.length === 0) {
    if (build.status !== 'failed') return { records: [], superseded: 0 };
    const endedAt = Date.parse(build.finishedAt);
    const error = lastLine(build.error);
    const steps = { total: 0, cached: 0, shared: 0 };
    return {
      records: services.map((service) => ({ ...base, service, ok: false, error, steps, startedAt, endedAt })),
      superseded: 0,
    };
  }
  const records = [];
  let superseded = 0;
  for (const service of reported) {
    if (service.status === 'superseded') superseded += 1;
    if (service.status !== 'built' && service.status !== 'failed') continue;
    const ok = service.status === 'built';
    records.push({
      ...base,
      service: service.service,
      ok,
      error: ok ? null : serviceError(service, build),
      steps: { total: service.steps.total, cached: service.steps.cached, shared: service.steps.shared },
      startedAt,
      endedAt: startedAt + service.durationMs,
    });
  }
  return { records, superseded };
}
