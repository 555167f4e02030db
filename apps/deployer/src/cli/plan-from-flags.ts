import type { RegistryPort } from '@deployer/contracts';
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
  assembleEngines,
  type EngineAssembly,
  type EngineSelection,
  type EngineSettings,
} from '@deployer/engines';
import { configFromFlags } from '../config/config-from-flags.js';
import type { ParsedFlags } from './args.js';
import type { CommandContext } from './command.js';
import { loadEnvironmentFromFlags } from './environment-from-flags.js';
import { fallbacksFromFlags } from './fallbacks-from-flags.js';
import type { planningFlags } from './planning-flags.js';

export interface PlannedBuild {
  environment: Environment;
  /** The engines and registries every command assembles alike (`@deployer/engines`' assembleEngines). */
  engines: EngineAssembly;
  selection: EngineSelection;
  registry: RegistryPort;
  plan: EnvironmentPlan;
}

/**
 * Loads the spec, assembles the engines from the flags and the environment, picks the engine and plans
 * every service. Every flag and variable is checked before the registry is asked anything.
 */
export async function planFromFlags(
  command: string,
  flags: ParsedFlags<typeof planningFlags>,
  context: CommandContext,
  options: Pick<PlanOptions, 'onRegistryError'> &
    Pick<EngineSettings, 'buildsPerDaemon' | 'onPoolEvent'> = {},
): Promise<PlannedBuild> {
  const buildUuid = flags.uuid === undefined ? generateBuildUuid() : validateBuildUuid(flags.uuid, '--uuid');
  const fallbacks = fallbacksFromFlags(command, flags);
  const environment = await loadEnvironmentFromFlags(command, flags, context);
  const engines = await engineAssemblyFromFlags(flags, context, options);
  // Any registered engine (a config module's too); one nobody registered is refused naming its source.
  engines.checkChoice(environment.engine, engineSource(flags, context));
  const selection = await engines.select(environment.engine);
  const registry = engines.registry(insecureRegistries(environment));
  const plan = await planEnvironment(environment, {
    buildUuid,
    engine: engines.cacheFlavourOf(selection.engine),
    ...(fallbacks !== undefined && { fallbacks }),
    ...(flags.service && { services: flags.service }),
    ...(flags['git-sha'] && { gitSha: flags['git-sha'] }),
    force: flags.force ?? false,
    registry,
    ...(options.onRegistryError !== undefined && { onRegistryError: options.onRegistryError }),
    signal: context.signal,
  });
  return { environment, engines, selection, registry, plan };
}

/** Where the environment's engine name came from: the flag, the variable, or the spec's `engine`. */
function engineSource(
  flags: { engine?: string | undefined; file?: string | undefined },
  context: CommandContext,
) {
  if (flags.engine !== undefined) return '--engine';
  if (context.env.DEPLOYER_ENGINE?.trim()) return 'DEPLOYER_ENGINE';
  return `${flags.file ?? 'the spec'}: engine`;
}

/**
 * The assembly from the engine flags a command has (`--buildkit-host`, `--buildah-storage-driver`) and its
 * config module's engines (`--config-module`, DEPLOYER_CONFIG_MODULE).
 */
export async function engineAssemblyFromFlags(
  flags: {
    'buildkit-host'?: string[] | undefined;
    'buildah-storage-driver'?: string | undefined;
    'config-module'?: string | undefined;
  },
  context: CommandContext,
  pool: Pick<EngineSettings, 'buildsPerDaemon' | 'onPoolEvent'> = {},
): Promise<EngineAssembly> {
  const config = await configFromFlags(flags, context);
  return assembleEngines({
    ...(config.engines.length > 0 && { engines: config.engines }),
    ...(flags['buildkit-host'] !== undefined && { buildkitHosts: flags['buildkit-host'] }),
    ...(flags['buildah-storage-driver'] !== undefined && {
      buildahStorageDriver: flags['buildah-storage-driver'],
    }),
    ...pool,
    env: context.env,
  });
}

/** The registry ports for an environment, from the same assembly (commands that run no engine). */
export async function registryFromFlags(
  environment: Environment,
  context: CommandContext,
  flags: { 'config-module'?: string | undefined } = {},
): Promise<RegistryPort> {
  return (await engineAssemblyFromFlags(flags, context)).registry(insecureRegistries(environment));
}
