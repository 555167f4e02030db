import { defaultRetryPolicy, type RetryPolicy } from '@deployer/retry';
import {
  type BuildkitAddress,
  type BuildkitTls,
  parseBuildkitAddress,
  validateTls,
} from '../command-line/address.js';
import { BuildkitError } from '../failures/errors.js';

export interface BuildkitEngineOptions {
  /** `buildctl` (default) talks to a BuildKit daemon; `buildx` runs `docker buildx build` (laptops). */
  driver?: 'buildctl' | 'buildx';
  /** BuildKit address (`BUILDKIT_HOST` forms). Default: `BUILDKIT_HOST`, else buildctl's default socket. */
  address?: string;
  /** TLS for a tcp:// address. */
  tls?: BuildkitTls;
  /** buildx builder instance (`--builder`), for the buildx driver. */
  builder?: string;
  /** Default `buildctl` (from PATH). */
  buildctlPath?: string;
  /** Default `docker` (from PATH). */
  dockerPath?: string;
  /** Directory with the registry credentials' config.json, handed over as DOCKER_CONFIG. */
  dockerConfigDir?: string;
  /** Retries of transient failures (daemon unreachable, connection lost): `attempts` runs in all, the first included. */
  retry?: Partial<RetryPolicy>;
  /** Extra environment for buildctl/docker, e.g. the variables `env` secrets name. */
  env?: Readonly<Record<string, string>>;
  /** Between SIGTERM and SIGKILL when a build is stopped. Default 5000 ms. */
  killGraceMs?: number;
  /** Where per-attempt trace and metadata files go. Default the OS temp dir. */
  tempDir?: string;
  /** How often the trace file is polled for new progress. Default 100 ms. */
  tracePollMs?: number;
}

export interface EngineSettings {
  driver: 'buildctl' | 'buildx';
  address: BuildkitAddress | null;
  tls: BuildkitTls | undefined;
  builder: string | undefined;
  binary: string;
  /** What the child gets on top of this process's environment. */
  env: Record<string, string>;
  retry: RetryPolicy;
  killGraceMs: number;
  tempDir: string | undefined;
  tracePollMs: number;
}

function positiveInteger(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new BuildkitError('INVALID_OPTIONS', `${name} must be an integer ≥ ${minimum}, got ${value}`);
  }
  return value;
}

/** Validates engine options once, at construction: a bad address fails before any build. */
export function resolveEngineOptions(options: BuildkitEngineOptions): EngineSettings {
  const driver = options.driver ?? 'buildctl';
  if (driver === 'buildx' && (options.address !== undefined || options.tls !== undefined)) {
    throw new BuildkitError(
      'INVALID_OPTIONS',
      'address and tls apply to the buildctl driver; buildx takes builder',
    );
  }
  if (driver === 'buildctl' && options.builder !== undefined) {
    throw new BuildkitError(
      'INVALID_OPTIONS',
      'builder applies to the buildx driver; buildctl takes address',
    );
  }
  const rawAddress =
    driver === 'buildctl'
      ? (options.address ?? options.env?.BUILDKIT_HOST ?? process.env.BUILDKIT_HOST)
      : undefined;
  const address = rawAddress === undefined || rawAddress === '' ? null : parseBuildkitAddress(rawAddress);
  validateTls(address, options.tls);

  const retry = { ...defaultRetryPolicy, ...options.retry };
  positiveInteger('retry.attempts', retry.attempts, 1);
  positiveInteger('retry.baseDelayMs', retry.baseDelayMs, 0);
  positiveInteger('retry.maxDelayMs', retry.maxDelayMs, 0);

  const env: Record<string, string> = { ...options.env };
  if (options.dockerConfigDir !== undefined) env.DOCKER_CONFIG = options.dockerConfigDir;

  return {
    driver,
    address,
    tls: options.tls,
    builder: options.builder,
    binary: driver === 'buildctl' ? (options.buildctlPath ?? 'buildctl') : (options.dockerPath ?? 'docker'),
    env,
    retry,
    killGraceMs: positiveInteger('killGraceMs', options.killGraceMs ?? 5_000, 0),
    tempDir: options.tempDir,
    tracePollMs: positiveInteger('tracePollMs', options.tracePollMs ?? 100, 1),
  };
}
