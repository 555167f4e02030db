import { UsageError } from './errors.js';

const acceptedForms =
  'unix:///path/to/buildkitd.sock, tcp://host:port, docker-container://name or kube-pod://pod';

/**
 * The BuildKit daemon address (`--buildkit-host`, else `BUILDKIT_HOST`), checked before anything is
 * planned: a malformed one is bad input naming where it came from, not a failed build. buildkit-runner,
 * whose grammar checks it, is loaded only when there is an address to check.
 */
export async function buildkitHostFromFlags(
  command: string,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const [source, value] =
    flag !== undefined ? ['--buildkit-host', flag] : ['BUILDKIT_HOST', env.BUILDKIT_HOST];
  if (value === undefined || value === '') return undefined;
  const { BuildkitError, parseBuildkitAddress } = await import('@deployer/buildkit-runner');
  try {
    parseBuildkitAddress(value);
  } catch (error) {
    if (!(error instanceof BuildkitError)) throw error;
    const prefix = `BuildKit address ${JSON.stringify(value)}: `;
    const rule = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    // A scheme-specific rule (`tcp:// needs host:port`) is followed by every form; a missing scheme's
    // rule already lists them.
    const forms = rule.startsWith('expected') ? '' : `; accepted forms: ${acceptedForms}`;
    throw new UsageError(`${source} ${JSON.stringify(value)}: ${rule}${forms}`, command);
  }
  return value;
}
