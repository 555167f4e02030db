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
  engineChoices,
  selectEngine,
} from '@deployer/engines';
import { createRegistryPort } from '@deployer/registry-cache';
import type { FlagSpecs, ParsedFlags } from './args.js';
import { buildahStorageFlags, buildahStorageFromFlags } from './buildah-storage.js';
import { buildkitHostFromFlags } from './buildkit-host.js';
import type { CommandContext } from './command.js';
import { environmentFlags, loadEnvironmentFromFlags } from './environment-flags.js';
import { fallbackFlags, fallbacksFromFlags } from './fallback-flags.js';

/** The flags of the commands that plan an environment's build (`build`, `plan`). */
export const planningFlags = {
  ...environmentFlags,
  uuid: { type: 'string', value: '<buildUuid>', description: 'the environment (default: a new one)' },
  ...fallbackFlags,
  service: {
    type: 'string',
    multiple: true,
    value: '<name>',
    description: 'only this service (and its deps)',
  },
  engine: {
    type: 'string',
    value: '<engine>',
    choices: engineChoices,
    description: 'build engine (DEPLOYER_ENGINE)',
  },
  force: { type: 'boolean', description: 'rebuild images that already exist' },
  'git-sha': {
    type: 'string',
    value: '<sha>',
    description: 'tag images with this instead of their content digest',
  },
  'buildkit-host': { type: 'string', value: '<address>', description: 'BuildKit daemon (BUILDKIT_HOST)' },
  ...buildahStorageFlags,
} as const satisfies FlagSpecs;

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
  buildkitHost(command, selection, flags, context);
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
): Promise<WiredEngine> {
  const address = buildkitHost(command, selection, flags, context);
  const buildahStorage =
    selection.engine === 'buildah'
      ? await buildahStorageFromFlags(command, flags['buildah-storage-driver'], context.env)
      : undefined;
  const engine = createEngine(selection.engine, {
    ...(address && { buildkitHost: address }),
    ...(buildahStorage && {
      buildahRoot: buildahStorage.storageRoot,
      buildahStorageDriver: buildahStorage.storageDriver,
    }),
    env: context.env,
  });
  return { engine, ...(buildahStorage && { buildahStorage }) };
}

/**
 * The BuildKit address, checked before anything is planned. `--buildkit-host` is always checked; a
 * `BUILDKIT_HOST` in the environment only when the engine is not buildah, which never reads it.
 */
function buildkitHost(
  command: string,
  selection: EngineSelection,
  flags: ParsedFlags<typeof planningFlags>,
  context: CommandContext,
): string | undefined {
  const env = selection.engine === 'buildah' ? {} : context.env;
  return buildkitHostFromFlags(command, flags['buildkit-host'], env);
}
