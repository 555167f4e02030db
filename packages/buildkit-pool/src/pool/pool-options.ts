import type { BuildkitEngineOptions } from '@deployer/buildkit-runner';
import type { EngineBuildRequest } from '@deployer/contracts';
import type { DnsOptions } from '../daemons/addresses.js';
import { BuildkitPoolError } from '../errors.js';
import { cacheIdentity } from '../routing/cache-identity.js';
import { defaultVirtualNodes } from '../routing/hash-ring.js';
import type { PoolEvent } from './pool-events.js';

/** What each daemon's buildkit-runner engine takes beyond its address (the same for every daemon). */
export type DaemonEngineOptions = Omit<BuildkitEngineOptions, 'driver' | 'address' | 'builder' | 'retry'>;

export interface BuildkitPoolOptions {
  /** BuildKit addresses and `dns://NAME:PORT` entries (`--buildkit-host`…, DEPLOYER_BUILDKIT_HOSTS). */
  daemons: readonly string[];
  /** Builds one daemon runs at once (`--builds-per-daemon`). Default: its `deployer.cpus` label, else 4. */
  buildsPerDaemon?: number;
  /** Without `buildsPerDaemon` or a `deployer.cpus` label. Default 4. */
  defaultBuildsPerDaemon?: number;
  /** Options of every daemon's engine; `tls` applies to tcp:// daemons only. */
  engine?: DaemonEngineOptions;
  /** How `dns://` entries are resolved (servers, timeout). */
  dns?: DnsOptions;
  /** How long a daemon that failed is left alone. Default 30000 ms. */
  coolDownMs?: number;
  /** How long `buildctl debug workers` may take. Default 5000 ms. */
  healthCheckTimeoutMs?: number;
  /** Points per daemon on the hash ring. Default 160. */
  virtualNodes?: number;
  /**
   * What a build is routed by. Default `cacheIdentity` (registry, cache repository, service); a
   * benchmark passes a random key to compare against routing without affinity.
   */
  routingKey?: (request: EngineBuildRequest) => string;
  onEvent?: (event: PoolEvent) => void;
}

export interface PoolSettings {
  entries: readonly string[];
  buildsPerDaemon: number | null;
  defaultBuildsPerDaemon: number;
  engine: DaemonEngineOptions;
  dns: DnsOptions;
  coolDownMs: number;
  healthCheckTimeoutMs: number;
  virtualNodes: number;
  routingKey: (request: EngineBuildRequest) => string;
  onEvent: (event: PoolEvent) => void;
}

function integer(name: string, value: number | undefined, minimum: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum) {
    throw new BuildkitPoolError('INVALID_OPTIONS', `${name} must be an integer ≥ ${minimum}, got ${value}`);
  }
  return value;
}

export function resolvePoolOptions(options: BuildkitPoolOptions): PoolSettings {
  if (options.daemons.length === 0) {
    throw new BuildkitPoolError('INVALID_OPTIONS', 'a BuildKit pool needs at least one daemon address');
  }
  return {
    entries: [...options.daemons],
    buildsPerDaemon:
      options.buildsPerDaemon === undefined
        ? null
        : integer('buildsPerDaemon', options.buildsPerDaemon, 1, 1),
    defaultBuildsPerDaemon: integer('defaultBuildsPerDaemon', options.defaultBuildsPerDaemon, 1, 4),
    engine: options.engine ?? {},
    dns: options.dns ?? {},
    coolDownMs: integer('coolDownMs', options.coolDownMs, 0, 30_000),
    healthCheckTimeoutMs: integer('healthCheckTimeoutMs', options.healthCheckTimeoutMs, 1, 5_000),
    virtualNodes: integer('virtualNodes', options.virtualNodes, 1, defaultVirtualNodes),
    routingKey: options.routingKey ?? cacheIdentity,
    onEvent: options.onEvent ?? (() => {}),
  };
}
