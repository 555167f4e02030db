import { UsageError } from './errors.js';
import { wholeNumberFlag } from './whole-number-flag.js';

const acceptedForms =
  'unix:///path/to/buildkitd.sock, tcp://host:port, docker-container://name, kube-pod://pod or dns://name:port';

/**
 * The BuildKit daemons (`--buildkit-host`, repeatable; else DEPLOYER_BUILDKIT_HOSTS, comma-separated;
 * else `BUILDKIT_HOST`, the one-daemon case), each checked before anything is planned: a malformed one
 * is bad input naming where it came from, not a failed build. Empty when none is given. buildkit-pool,
 * whose grammar checks them, is loaded only when there is an address to check.
 */
export async function buildkitHostsFromFlags(
  command: string,
  flags: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const given =
    (flags !== undefined && flags.length > 0) || env.DEPLOYER_BUILDKIT_HOSTS?.trim() || env.BUILDKIT_HOST;
  if (!given) return [];
  const { BuildkitPoolError, parseDaemonEntry, splitDaemonList } = await import('@deployer/buildkit-pool');
  const [source, values]: [string, string[]] =
    flags !== undefined && flags.length > 0
      ? ['--buildkit-host', [...flags]]
      : env.DEPLOYER_BUILDKIT_HOSTS?.trim()
        ? ['DEPLOYER_BUILDKIT_HOSTS', splitDaemonList(env.DEPLOYER_BUILDKIT_HOSTS)]
        : ['BUILDKIT_HOST', env.BUILDKIT_HOST ? [env.BUILDKIT_HOST] : []];
  for (const value of values) {
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
      throw new UsageError(`${source} ${JSON.stringify(value)}: ${rule}${forms}`, command);
    }
  }
  return values;
}

/** `--builds-per-daemon`: plain decimal digits from 1 to 64, like `--concurrency`. */
export function buildsPerDaemonFromFlag(command: string, value: string | undefined): number | undefined {
  return wholeNumberFlag(command, 'builds-per-daemon', value, { min: 1, max: 64 });
}
