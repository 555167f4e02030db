import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type {
  DeployerPluginConfig,
  EngineDefinition,
  LifecycleHooks,
  RegistryProfileEntry,
} from '@deployer/contracts';
import { useZodWithoutJit } from '../cli/zod-without-jit.js';
import { ConfigModuleError } from './config-module-error.js';
import { DeployerConfigSchema, describeIssues, PluginConfigSchema } from './config-schema.js';

/** A config module's engines, hooks and registry profiles, merged: its own first, then each plugin's, in order. */
export interface LoadedConfig {
  /** The module's absolute path; undefined when there is none. */
  file: string | undefined;
  engines: EngineDefinition[];
  /** Every hooks object, called in this order. */
  hooks: LifecycleHooks[];
  /** At most one per host (compared case-insensitively). */
  registryProfiles: RegistryProfileEntry[];
}

export const noConfig: LoadedConfig = { file: undefined, engines: [], hooks: [], registryProfiles: [] };

export interface ConfigModuleSource {
  /** `--config-module PATH`. */
  flag: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Loads the config module its operator names: `--config-module`, else DEPLOYER_CONFIG_MODULE; none is no
 * config. Never one found in the working directory: that is often a checkout, and a pull request's
 * `deployer.config.mjs` would run in deployer's process, beside the registry credentials, in a pipeline
 * whose steps come from the reviewed default branch. A module that is missing,
 * fails to load or exports no config is a `ConfigModuleError` (exit 2) naming the file. It runs in
 * deployer's own process: it is the operator's code.
 */
export async function loadConfigModule(source: ConfigModuleSource): Promise<LoadedConfig> {
  const file = await locate(source);
  if (file === undefined) return noConfig;
  const exports = await importModule(file);
  useZodWithoutJit();
  const config = (exports as { default?: unknown } | null)?.default;
  const parsed = DeployerConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ConfigModuleError(
      file,
      config === undefined
        ? `config module ${file} has no default export: export default defineConfig({ … })`
        : `config module ${file} does not export a config: ${describeIssues(parsed.error)}`,
    );
  }
  const merged: LoadedConfig = { file, engines: [], hooks: [], registryProfiles: [] };
  const profileSources = new Map<string, string>();
  add(merged, config as DeployerPluginConfig, '', profileSources);
  const plugins = (config as { plugins?: unknown[] }).plugins ?? [];
  for (const [index, plugin] of plugins.entries()) {
    let part: unknown;
    try {
      part = typeof plugin === 'function' ? await plugin() : plugin;
    } catch (error) {
      throw new ConfigModuleError(
        file,
        `config module ${file}: plugins[${index}] failed: ${messageOf(error)}`,
        { cause: error },
      );
    }
    const checked = PluginConfigSchema.safeParse(part);
    if (!checked.success) {
      throw new ConfigModuleError(
        file,
        `config module ${file}: plugins[${index}] is not a plugin config: ${describeIssues(checked.error)}`,
      );
    }
    add(merged, part as DeployerPluginConfig, `plugins[${index}].`, profileSources);
  }
  return merged;
}

/**
 * Adds one part (the module's own or a plugin's). Two profiles for one host are refused, naming both: which
 * one should win is the platform team's call, not the order the plugins happen to be listed in.
 */
function add(
  into: LoadedConfig,
  part: DeployerPluginConfig,
  where: string,
  profileSources: Map<string, string>,
): void {
  into.engines.push(...(part.engines ?? []));
  if (part.hooks !== undefined) into.hooks.push(part.hooks);
  for (const [index, entry] of (part.registryProfiles ?? []).entries()) {
    const source = `${where}registryProfiles[${index}]`;
    const host = entry.host.toLowerCase();
    const earlier = profileSources.get(host);
    if (earlier !== undefined) {
      throw new ConfigModuleError(
        into.file!,
        `config module ${into.file}: ${source} and ${earlier} both give a profile for registry ${JSON.stringify(entry.host)}; keep one`,
      );
    }
    profileSources.set(host, source);
    into.registryProfiles.push(entry);
  }
}

async function locate(source: ConfigModuleSource): Promise<string | undefined> {
  const fromEnv = source.env.DEPLOYER_CONFIG_MODULE?.trim() || undefined;
  const [named, what] =
    source.flag !== undefined ? [source.flag, '--config-module'] : [fromEnv, 'DEPLOYER_CONFIG_MODULE'];
  if (named !== undefined) {
    const file = resolve(source.cwd, named);
    if (!(await isFile(file))) {
      throw new ConfigModuleError(file, `${what} ${JSON.stringify(named)}: no such file (${file})`);
    }
    return file;
  }
  return undefined;
}

/**
 * `.mjs`/`.js`/`.cjs` through Node's own `require` (ES modules included: Node ≥ 20.19 requires them, the
 * bundle running as a script cannot `import()`); `.ts`/`.mts`/`.cts` through jiti, loaded only then.
 */
async function importModule(file: string): Promise<unknown> {
  const require = createRequire(file);
  try {
    if (/\.[cm]?ts$/.test(file)) {
      const { createJiti } = createRequire(deployerModule())('jiti') as typeof import('jiti');
      const jiti = createJiti(file, { interopDefault: false });
      // Bound, not called as a method: scripts/bundle.mjs refuses any `import(` in the bundle.
      const importWithJiti = jiti.import.bind(jiti);
      return await importWithJiti(file);
    }
    return require(file);
  } catch (error) {
    throw new ConfigModuleError(file, `config module ${file} failed to load: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * Where jiti is resolved from: deployer's own installation (the bundle's file, whose CommonJS wrapper
 * defines `__filename`), not the config's folder, which may not have it.
 */
function deployerModule(): string {
  return typeof __filename === 'string' ? __filename : join(process.cwd(), 'deployer.cjs');
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
