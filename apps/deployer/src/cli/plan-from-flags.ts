import type { BuildahStorage } from '@deployer/buildah-runner';
import type { BuildEngine, RegistryPort } from '@deployer/contracts';
import {
  type Environment,
  type EnvironmentPlan,
  generateBuildUuid,
  insecureRegistries,
  type PlanOptions,
  planEnvironment,
  validateBuildUuid,
} from '@deployer/deploy';
import {
  cacheFlavourOf,
  createEngine,
  type EngineSelection,
  type EngineWiring,
  selectEngine,
} from '@deployer/engines';
import { createRegistryPort } from '@deployer/registry-cache';
import type { ParsedFlags } from './args.js';
import { buildahStorageFromFlags } from './buildah-storage.js';
import { buildkitHostsFromFlags } from './buildkit-host.js';
import type { CommandContext } from './command.js';
import { loadEnvironmentFromFlags } from './environment-from-flags.js';
import { fallbacksFromFlags } from './fallback-flags.js';
import type { planningFlags } from './planning-flags.js';

export interface PlannedBuild {
  environment: Environment;
  selection: EngineSelection;
  registry: RegistryPort;
  plan: EnvironmentPlan;
}

/** Loads the spec, picks the engine and plans every service, all from the command's flags. */
export async function planFromFlags(
  command: string,
  flags: ParsedFlags<typeof planningFlags>,
  context: CommandContext,
  options: Pick<PlanOptions, 'onRegistryError'> = {},
): Promise<PlannedBuild> {
  const buildUuid = flags.uuid === undefined ? generateBuildUuid() : validateBuildUuid(flags.uuid, '--uuid');
  const fallbacks = fallbacksFromFlags(command, flags);
  const environment = await loadEnvironmentFromFlags(command, flags, context);
  const selection = await selectEngine(environment.engine, context.env);
  await buildkitHosts(command, selection, flags, context);
  const registry = createRegistryPort({ insecureRegistries: insecureRegistries(environment) });
  const plan = await planEnvironment(environment, {
    buildUuid,
    engine: cacheFlavourOf(selection.engine),
    ...(fallbacks !== undefined && { fallbacks }),
    ...(flags.service && { services: flags.service }),
    ...(flags['git-sha'] && { gitSha: flags['git-sha'] }),
    force: flags.force ?? false,
    registry,
    ...options,
    signal: context.signal,
  });
  return { environment, selection, registry, plan };
}

export interface WiredEngine {
  engine: BuildEngine;
  /** buildah's storage and driver, for the run header and `--json`; absent for the BuildKit engines. */
  buildahStorage?: BuildahStorage;
}

/** The engine the flags and the environment select, wired the same for `build` and `plan`. */
export async function engineFromFlags(
  command: string,
  selection: EngineSelection,
  flags: ParsedFlags<typeof planningFlags>,
  context: CommandContext,
  pool: Pick<EngineWiring, 'buildsPerDaemon' | 'onPoolEvent'> = {},
): Promise<WiredEngine> {
  const hosts = await buildkitHosts(command, selection, flags, context);
  const buildahStorage =
    selection.engine === 'buildah'
      ? await buildahStorageFromFlags(command, flags['buildah-storage-driver'], context.env)
      : undefined;
  const engine = await createEngine(selection.engine, {
    ...(hosts.length > 0 && { buildkitHosts: hosts }),
    ...(context.env.DEPLOYER_BUILDKIT_TLS_DIR && {
      // TLS to tcp:// daemons: ca.pem, cert.pem, key.pem (buildctl --tlsdir); the server name to verify,
      // since a dns:// pool dials each daemon by its address.
      buildkitTls: {
        dir: context.env.DEPLOYER_BUILDKIT_TLS_DIR,
        ...(context.env.DEPLOYER_BUILDKIT_TLS_SERVER_NAME && {
          serverName: context.env.DEPLOYER_BUILDKIT_TLS_SERVER_NAME,
        }),
      },
    }),
    ...pool,
    ...(buildahStorage && {
      buildahRoot: buildahStorage.storageRoot,
      buildahStorageDriver: buildahStorage.storageDriver,
    }),
    env: context.env,
  });
  return { engine, ...(buildahStorage && { buildahStorage }) };
}

/**
 * The BuildKit daemons, checked before anything is planned. `--buildkit-host` is always checked;
 * DEPLOYER_BUILDKIT_HOSTS and `BUILDKIT_HOST` in the environment only when the engine is not buildah,
 * which never reads them.
 */
function buildkitHosts(
  command: string,
  selection: EngineSelection,
  flags: ParsedFlags<typeof planningFlags>,
  context: CommandContext,
): Promise<string[]> {
  const env = selection.engine === 'buildah' ? {} : context.env;
  return buildkitHostsFromFlags(command, flags['buildkit-host'], env);
}
