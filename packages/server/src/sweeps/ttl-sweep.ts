import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryProfileEntry } from '@deployer/contracts';
import { collectGarbage } from '@deployer/deploy';
import {
  expiredEnvironments,
  getEnvironment,
  liveBuildUuids,
  requestTeardown,
  type State,
} from '@deployer/state';
import type { RepositoryConfig, ServerConfig } from '../config/server-config-schema.js';
import { checkoutEnvironment } from '../worker/checkout-environment.js';
import type { ServerPorts } from '../worker/ports.js';

export interface TtlSweepOptions {
  state: State;
  config: ServerConfig;
  ports: ServerPorts;
  workDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The operator's config module's registry profiles, for the fallback checkout's cache registry. */
  registryProfiles?: readonly RegistryProfileEntry[];
  /** The sweep's clock (tests move it forward); default the real one. */
  now?: Date;
  signal?: AbortSignal;
}

export interface RepositorySweep {
  repository: string;
  /** Environments idle past the repository's TTL, handed to the queue for teardown. */
  expired: string[];
  /** Kept although idle: they carry the repository's keep label. */
  kept: string[];
  /**
   * Cache refs no live environment owns, last written before the cutoff, deleted; then image tags of
   * environments that no longer exist (ownership tags, and the content tags deleted with their images).
   */
  collected: string[];
  /** Why the cache part did not run (no fallback build to read the spec from), if it did not. */
  gcSkipped?: string;
  error?: string;
}

/**
 * One TTL sweep: per repository, pull request environments whose last activity is older than the TTL
 * (and that do not carry the keep label) get a teardown job, exactly as a closed pull request does; then
 * `cache gc` deletes refs of that repository's spec older than the TTL that no live environment owns
 * (every live environment's refs are protected like a fallback's), and the images of environments that no
 * longer exist built before the cutoff that no other tag uses. Fallback environments never expire.
 */
export async function sweepExpiredEnvironments(options: TtlSweepOptions): Promise<RepositorySweep[]> {
  const now = options.now ?? new Date();
  const results: RepositorySweep[] = [];
  for (const repository of options.config.repositories) {
    const result: RepositorySweep = { repository: repository.name, expired: [], kept: [], collected: [] };
    results.push(result);
    try {
      const idleBefore = new Date(now.getTime() - repository.ttlMs);
      const idle = await expiredEnvironments(options.state, { repository: repository.name, idleBefore });
      for (const environment of idle) {
        if (repository.keepLabel !== undefined && environment.labels.includes(repository.keepLabel)) {
          result.kept.push(environment.buildUuid);
          continue;
        }
        const teardown = await requestTeardown(options.state, environment.buildUuid, repository.name);
        if (!('error' in teardown)) result.expired.push(environment.buildUuid);
      }
      await collectRepositoryGarbage(options, repository, now, result);
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
    }
  }
  return results;
}

async function collectRepositoryGarbage(
  options: TtlSweepOptions,
  repository: RepositoryConfig,
  now: Date,
  result: RepositorySweep,
): Promise<void> {
  const [fallback] = await getEnvironment(options.state, repository.fallback, repository.name);
  const sha = fallback?.desiredSha;
  if (fallback === undefined || sha === null || sha === undefined) {
    result.gcSkipped = `no build of the fallback environment ${repository.fallback} to read the spec from`;
    return;
  }
  // A new replica's work folder may not exist yet: its first sweep can come before its first job.
  await mkdir(options.workDir, { recursive: true });
  const dir = await mkdtemp(join(options.workDir, 'sweep-'));
  try {
    const environment = await checkoutEnvironment(repository, 'fallback', sha, dir, options, options.signal);
    // Every live environment (the ones just handed to teardown included: their own job deletes them)
    // is protected like a fallback; what remains past the cutoff belongs to no environment.
    const live = await liveBuildUuids(options.state, repository.name);
    const gc = await collectGarbage(environment, {
      registry: options.ports.registryFor(environment),
      olderThanMs: repository.ttlMs,
      fallbacks: [...new Set([repository.fallback, ...environment.fallbacks, ...live])],
      now,
      ...(options.signal && { signal: options.signal }),
    });
    result.collected = [...gc.entries, ...gc.images]
      .filter((entry) => entry.deleted)
      .map((entry) => entry.ref);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
