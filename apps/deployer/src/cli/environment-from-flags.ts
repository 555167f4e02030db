import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type Environment,
  type EnvironmentOverrides,
  loadEnvironment,
  overridesFromEnv,
} from '@deployer/deploy';
import { configFromFlags } from '../config/config-from-flags.js';
import type { ParsedFlags } from './args.js';
import type { CommandContext } from './command.js';
import type { environmentFlags } from './environment-flags.js';
import { UsageError } from './errors.js';
import { useZodWithoutJit } from './zod-without-jit.js';

type EnvironmentFlagValues = ParsedFlags<typeof environmentFlags> & { engine?: string | undefined };

/**
 * Loads the spec named by -f with overrides: environment variables first, flags over them. The config
 * module's registry profiles apply where the spec sets no `cache.kind`/`cache.profile` of its own.
 */
export async function loadEnvironmentFromFlags(
  command: string,
  flags: EnvironmentFlagValues,
  context: CommandContext,
): Promise<Environment> {
  if (flags.file === undefined) throw new UsageError('-f/--file <env.yaml> is required', command);
  useZodWithoutJit();
  const fromEnv = overridesFromEnv(context.env);
  const overrides: EnvironmentOverrides = {
    ...fromEnv,
    ...(flags.registry !== undefined && { registry: flags.registry }),
    ...(flags['cache-registry'] !== undefined && { cacheRegistry: flags['cache-registry'] }),
    ...(flags.engine !== undefined && { engine: flags.engine }),
    ...(flags['insecure-registry'] !== undefined && {
      insecureRegistries: [...(fromEnv.insecureRegistries ?? []), ...flags['insecure-registry']],
    }),
  };
  const root = await rootFromFlags(command, flags.root, context);
  const { registryProfiles } = await configFromFlags(flags, context);
  return loadEnvironment(resolve(context.cwd, flags.file), {
    overrides,
    ...(root && { root }),
    ...(registryProfiles.length > 0 && { registryProfiles }),
  });
}

/** `--root` over `DEPLOYER_ROOT`, relative to the working directory; it must be a directory. */
async function rootFromFlags(
  command: string,
  flag: string | undefined,
  context: CommandContext,
): Promise<string | undefined> {
  const fromEnv = context.env.DEPLOYER_ROOT?.trim();
  const [source, value] = flag !== undefined ? ['--root', flag] : ['DEPLOYER_ROOT', fromEnv || undefined];
  if (value === undefined) return undefined;
  const dir = resolve(context.cwd, value);
  const isDirectory = await stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new UsageError(`${source} ${JSON.stringify(value)}: must be a directory`, command);
  return dir;
}
