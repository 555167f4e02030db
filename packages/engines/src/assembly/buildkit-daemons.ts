import { EngineSettingsError } from './engine-settings-error.js';

/** The BuildKit daemons named for a run, and where they were named (for messages and `auto`'s reason). */
export interface BuildkitDaemons {
  /** `--buildkit-host`, `DEPLOYER_BUILDKIT_HOSTS` or `BUILDKIT_HOST`. */
  source: string;
  hosts: string[];
}

const acceptedForms =
  'unix:///path/to/buildkitd.sock, tcp://host:port, docker-container://name, kube-pod://pod or dns://name:port';

/**
 * The daemons: `--buildkit-host` (repeatable), else DEPLOYER_BUILDKIT_HOSTS (comma-separated), else
 * `BUILDKIT_HOST` (the one-daemon case); none when none is given. Each is checked by buildkit-pool's
 * grammar (loaded only when there is an address to check): a malformed one is bad input naming its source.
 */
export async function buildkitDaemons(
  flags: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): Promise<BuildkitDaemons | undefined> {
  const fromEnv = env.DEPLOYER_BUILDKIT_HOSTS?.trim();
  if ((flags === undefined || flags.length === 0) && !fromEnv && !env.BUILDKIT_HOST) return undefined;
  const { BuildkitPoolError, parseDaemonEntry, splitDaemonList } = await import('@deployer/buildkit-pool');
  const daemons: BuildkitDaemons =
    flags !== undefined && flags.length > 0
      ? { source: '--buildkit-host', hosts: [...flags] }
      : fromEnv
        ? { source: 'DEPLOYER_BUILDKIT_HOSTS', hosts: splitDaemonList(fromEnv) }
        : { source: 'BUILDKIT_HOST', hosts: [env.BUILDKIT_HOST!] };
  for (const value of daemons.hosts) {
    try {
      parseDaemonEntry(value);
    } catch (error) {
      if (!(error instanceof BuildkitPoolError)) throw error;
      const prefix = `BuildKit address ${JSON.stringify(value)}: `;
      const rule = (
        error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
      ).replace(/; or dns:\/\/name:port$/, '');
      // A scheme-specific rule (`tcp:// needs host:port`) is followed by every form; a missing scheme's
      // rule already lists them.
      const forms = rule.startsWith('expected')
        ? ' or dns://name:port'
        : `; accepted forms: ${acceptedForms}`;
      throw new EngineSettingsError(
        daemons.source,
        `${daemons.source} ${JSON.stringify(value)}: ${rule}${forms}`,
      );
    }
  }
  return daemons;
}
