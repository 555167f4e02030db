import type { CommandContext } from '../cli/command.js';
import { type LoadedConfig, loadConfigModule } from './load-config-module.js';

const loaded = new WeakMap<CommandContext, Promise<LoadedConfig>>();

/**
 * The config module of a command's run, loaded once per run (the assembly and the hooks share it):
 * `--config-module`, else DEPLOYER_CONFIG_MODULE, else none.
 */
export function configFromFlags(
  flags: { 'config-module'?: string | undefined },
  context: CommandContext,
): Promise<LoadedConfig> {
  let config = loaded.get(context);
  if (config === undefined) {
    config = loadConfigModule({
      flag: flags['config-module'],
      env: context.env,
      cwd: context.cwd,
    });
    loaded.set(context, config);
  }
  return config;
}
