import { openState, syncRepositories } from '@deployer/state';
import type { ServerConfig } from './config/server-config-schema.js';
import { createServerApp } from './http/app.js';
import type { JobOutcome } from './worker/job-outcome.js';
import type { ServerPorts } from './worker/ports.js';
import { startWorker, type WorkerOptions } from './worker/worker.js';

export interface ServeOptions {
  config: ServerConfig;
  /** `postgres://…` for several replicas; default an embedded PGlite database in `stateDir`. */
  databaseUrl?: string;
  stateDir: string;
  workDir: string;
  host: string;
  /** 0 picks a free port (see the returned `url`). */
  port: number;
  webhookSecret: string;
  apiToken?: string;
  maxBodyBytes?: number;
  replica: string;
  concurrency?: number;
  leaseSeconds?: number;
  pollMs?: number;
  ports: ServerPorts;
  env: Readonly<Record<string, string | undefined>>;
  onJobStarted?: WorkerOptions['onJobStarted'];
  onJobFinished?: (
    job: Parameters<NonNullable<WorkerOptions['onJobFinished']>>[0],
    outcome: JobOutcome,
  ) => void;
  onDelivery?: (result: string, deliveryId: string | undefined) => void;
  onError?: (error: unknown) => void;
}

export interface RunningServer {
  url: string;
  /**
   * Stops taking webhooks and jobs (`/readyz` answers 503), lets running builds finish for up to
   * `deadlineMs`, puts back what still runs with its lease released, then closes the database.
   */
  stop(deadlineMs: number): Promise<void>;
}

/** Opens the state (migrating it), records the configured repositories, listens and starts the worker. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const state = await openState({
    ...(options.databaseUrl !== undefined
      ? { databaseUrl: options.databaseUrl }
      : { dataDir: options.stateDir }),
  });
  let draining = false;
  try {
    await syncRepositories(
      state,
      options.config.repositories.map((repository) => repository.name),
    );
    const worker = startWorker({
      state,
      config: options.config,
      ports: options.ports,
      replica: options.replica,
      workDir: options.workDir,
      env: options.env,
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(options.leaseSeconds !== undefined && { leaseSeconds: options.leaseSeconds }),
      ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
      ...(options.onJobStarted && { onJobStarted: options.onJobStarted }),
      ...(options.onJobFinished && { onJobFinished: options.onJobFinished }),
      ...(options.onError && { onError: options.onError }),
    });
    const app = await createServerApp({
      state,
      config: options.config,
      webhookSecret: options.webhookSecret,
      apiToken: options.apiToken,
      ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
      draining: () => draining,
      onWork: () => worker.wake(),
      ...(options.onDelivery && { onDelivery: options.onDelivery }),
    });
    const address = await app.listen({ host: options.host, port: options.port });
    return {
      url: address,
      async stop(deadlineMs) {
        draining = true;
        await worker.stop(deadlineMs);
        await app.close();
        await state.close();
      },
    };
  } catch (error) {
    await state.close();
    throw error;
  }
}
