import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach } from 'vitest';
import { binPath } from '../../run-cli.js';
import type { Json } from './webhook-payloads.js';

const started = new Set<ServeProcess>();

// A failed test shows what the servers it started logged: the first thing to read when one fails in CI.
afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const server of started) {
    console.log(
      `--- deployer serve ${server.replica} (last 8000 characters of its log) ---\n${server.log().slice(-8000)}`,
    );
  }
});

export const webhookSecret = 'test-webhook-secret-0123456789';
export const apiToken = 'test-api-token-0123456789';

export interface ServeProcess {
  url: string;
  /** The server's folder: `server.yaml`, `state/` (the embedded database), `work/`. */
  dir: string;
  replica: string;
  process: ResultPromise;
  /** Everything the server logged so far (JSON lines on stdout), and its stderr. */
  log(): string;
  api(path: string, init?: RequestInit): Promise<{ status: number; body: Json }>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | undefined>;
  kill(): Promise<void>;
}

export interface ServeOptions {
  repositories: Array<{
    name: string;
    cloneUrl: string;
    spec?: string;
    fallback?: string;
    label?: string;
    keepLabel?: string;
    ttl?: string;
    /**
     * Where the operator sends images (the spec's `registry` is never read): default the stack's registry
     * (`env.DEPLOYER_REGISTRY`, else DEPLOYER_TEST_REGISTRY), repository `preview`, plain HTTP.
     */
    registry?: { host?: string; repository?: string };
    /** The secrets the operator gives builds (`{ id, env | file, pullRequests }`). */
    secrets?: Array<Record<string, unknown>>;
    /** The repository's GitHub feedback (`github:`), written as given. */
    github?: Record<string, unknown>;
  }>;
  /** Extra top-level keys of the server config. */
  config?: Record<string, unknown>;
  /** Reuse a stopped server's folder (its config, embedded database and work folder). */
  dir?: string;
  env: Record<string, string>;
  databaseUrl?: string;
  replica?: string;
  claimSeconds?: number;
  /** On SIGTERM, how long running builds may finish; default 20. */
  drainSeconds?: number;
  extraArgs?: string[];
}

/** Writes a server config and starts `deployer serve` on a free loopback port, as an operator would. */
export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'deployer-serve-')));
  const config = join(dir, 'server.yaml');
  // JSON is YAML: the server reads it as an operator's server.yaml.
  await writeFile(
    config,
    JSON.stringify({
      ...options.config,
      repositories: options.repositories.map(({ registry, secrets, ...repository }) => {
        const host = registry?.host ?? options.env.DEPLOYER_REGISTRY ?? process.env.DEPLOYER_TEST_REGISTRY;
        const images = registry?.repository ?? 'preview';
        return {
          spec: 'deploy/env.yaml',
          fallback: 'main',
          ...repository,
          registry: { host, repository: images, insecure: true },
          cache: { repository: `${images}/cache`, strategy: 'path' },
          ...(secrets && { secrets }),
        };
      }),
    }),
  );
  const replica = options.replica ?? `replica-${Math.random().toString(36).slice(2, 8)}`;
  const child = execa(
    'node',
    [
      binPath,
      'serve',
      '-c',
      config,
      '--listen',
      '127.0.0.1:0',
      '--replica',
      replica,
      '--state-dir',
      join(dir, 'state'),
      '--work-dir',
      join(dir, 'work'),
      '--claim-seconds',
      String(options.claimSeconds ?? 6),
      '--drain-seconds',
      String(options.drainSeconds ?? 20),
      ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []),
      ...(options.extraArgs ?? []),
    ],
    {
      env: {
        NO_COLOR: '1',
        DEPLOYER_WEBHOOK_SECRET: webhookSecret,
        DEPLOYER_API_TOKEN: apiToken,
        ...options.env,
      },
      reject: false,
      buffer: false,
    },
  );
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/[^\s"]+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.then((result) => reject(new Error(`deployer serve exited ${result.exitCode}: ${stderr}${stdout}`)));
  });
  const server: ServeProcess = {
    url,
    dir,
    replica,
    process: child,
    log: () => stdout + stderr,
    async api(path, init = {}) {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${apiToken}`, ...init.headers },
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      child.kill('SIGTERM');
      return (await child).exitCode;
    },
    async kill() {
      child.kill('SIGKILL');
      await child;
    },
  };
  started.add(server);
  return server;
}
