import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryProfileEntry } from '@deployer/contracts';
import type { DeployEvent } from '@deployer/deploy';
import { type ClaimedJob, claimJob, releaseJob, type State } from '@deployer/state';
import type { ServerConfig } from '../config/server-config-schema.js';
import type { JobOutcome } from './job-outcome.js';
import type { LifecycleCaller } from './lifecycle-hooks.js';
import type { ServerPorts } from './ports.js';
import { runJob } from './run-job.js';

export interface WorkerOptions {
  state: State;
  config: ServerConfig;
  ports: ServerPorts;
  /** This replica's name, recorded on the jobs it claims and their environments' claims. */
  replica: string;
  /** Checkouts go here, one folder per job, removed after it. */
  workDir: string;
  /** Jobs this replica runs at once; default 2. */
  concurrency?: number;
  /** How long an environment's claim lasts unless renewed; a dead replica's jobs are taken over after it. Default 30. */
  claimSeconds?: number;
  /** How often an idle worker asks for a job; default 1000 ms (`wake()` asks at once). */
  pollMs?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** The operator's config module's registry profiles, for each checkout's cache registry. */
  registryProfiles?: readonly RegistryProfileEntry[];
  onJobStarted?: (job: ClaimedJob) => void;
  onJobFinished?: (job: ClaimedJob, outcome: JobOutcome) => void;
  onJobEvent?: (job: ClaimedJob, event: DeployEvent) => void;
  onError?: (error: unknown) => void;
  /** The operator's config module's hooks around each build and teardown. */
  lifecycle?: LifecycleCaller;
}

export interface Worker {
  /** Ask for a job now (a delivery was stored). */
  wake(): void;
  /** Jobs running on this replica. */
  running(): number;
  /**
   * Stops taking jobs, lets running ones finish for up to `deadlineMs`, then aborts what still runs and
   * puts it back in the queue with its claim released, for another replica (or the next start).
   */
  stop(deadlineMs: number): Promise<void>;
}

/** Claims jobs from the database and runs them, at most `concurrency` at once. */
export function startWorker(options: WorkerOptions): Worker {
  const concurrency = options.concurrency ?? 2;
  const claimSeconds = options.claimSeconds ?? 30;
  const pollMs = options.pollMs ?? 1000;
  const repositories = new Map(
    options.config.repositories.map((repository) => [repository.name, repository]),
  );
  const shutdown = new AbortController();
  const running = new Map<number, { job: ClaimedJob; done: Promise<void> }>();
  let wakeUp: (() => void) | undefined;
  let stopping = false;

  const start = (job: ClaimedJob) => {
    options.onJobStarted?.(job);
    const done = runJob(job, {
      state: options.state,
      ports: options.ports,
      repository: repositories.get(job.environment.repository),
      workDir: options.workDir,
      claimSeconds,
      env: options.env,
      ...(options.registryProfiles && { registryProfiles: options.registryProfiles }),
      signal: shutdown.signal,
      ...(options.onJobEvent && { onEvent: (event: DeployEvent) => options.onJobEvent?.(job, event) }),
      ...(options.lifecycle && { lifecycle: options.lifecycle }),
    })
      .then((outcome) => options.onJobFinished?.(job, outcome))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running.delete(job.jobId);
        wakeUp?.();
      });
    running.set(job.jobId, { job, done });
  };

  const loop = (async () => {
    while (!stopping) {
      let claimed: ClaimedJob | undefined;
      if (running.size < concurrency) {
        try {
          claimed = await claimJob(options.state, { replica: options.replica, claimSeconds });
        } catch (error) {
          options.onError?.(error);
        }
      }
      if (claimed !== undefined && !stopping) {
        start(claimed);
        continue;
      }
      if (claimed !== undefined) await releaseJob(options.state, claimed).catch(options.onError);
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        sleep(pollMs, undefined, { ref: false }).then(resolve, resolve);
      });
      wakeUp = undefined;
    }
  })();

  return {
    wake: () => wakeUp?.(),
    running: () => running.size,
    async stop(deadlineMs) {
      stopping = true;
      wakeUp?.();
      await loop;
      const all = Promise.all([...running.values()].map((entry) => entry.done));
      const timedOut = await Promise.race([all.then(() => false), sleep(deadlineMs, true, { ref: false })]);
      if (!timedOut) return;
      // Each aborted job puts itself back in the queue (see runJob).
      shutdown.abort(new Error('server shutting down'));
      await all;
    },
  };
}
