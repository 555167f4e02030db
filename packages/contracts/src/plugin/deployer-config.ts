import type { RegistryProfileEntry } from '../cache/registry-profile.js';
import type { EngineDefinition } from './engine-definition.js';
import type { LifecycleHooks } from './lifecycle-hooks.js';

/**
 * What a plugin adds: engines, hooks and registry profiles, merged into the config in the order the plugins
 * are listed.
 */
export interface DeployerPluginConfig {
  /** More engines, beside the built-in ones; a name may be registered once. */
  engines?: EngineDefinition[];
  hooks?: LifecycleHooks;
  /** Profiles for registries the built-in detection does not know (or knows wrong); a host may have one. */
  registryProfiles?: RegistryProfileEntry[];
}

/** A plugin: its part of the config, or a function returning it (called once, when the config loads). */
export type DeployerPlugin =
  | DeployerPluginConfig
  | (() => DeployerPluginConfig | Promise<DeployerPluginConfig>);

/**
 * A config module's default export (`deployer.config.mjs`, `--config-module`, DEPLOYER_CONFIG_MODULE): the
 * config's own engines, hooks and registry profiles first, then each plugin's, in order.
 */
export interface DeployerConfig extends DeployerPluginConfig {
  plugins?: DeployerPlugin[];
}

/** Identity, for the types: `export default defineConfig({ … })`. */
export function defineConfig(config: DeployerConfig): DeployerConfig {
  return config;
}
