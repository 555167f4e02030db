import { CodedError, type EngineChoice, type EngineName } from '@deployer/contracts';
import type { BuildkitDaemons } from './assembly/buildkit-daemons.js';
import { type CommandProbe, commandProbe } from './command-probe.js';

/** `auto` found no engine on this machine: names what to install. */
export class EngineUnavailableError extends CodedError<'NO_ENGINE'> {
  override readonly name = 'EngineUnavailableError';
  /** Not a build failure: the machine lacks what the build needs, so nothing was started. */
  readonly kind = 'input';

  constructor(message: string, options?: { cause?: unknown }) {
    super('NO_ENGINE', message, options);
  }
}

export interface EngineSelection {
  engine: EngineName;
  /** Why this one, for `--verbose` output and errors. */
  reason: string;
}

/**
 * `auto`: BuildKit when a daemon is named (`daemons`: `--buildkit-host`, DEPLOYER_BUILDKIT_HOSTS or
 * BUILDKIT_HOST, see `assembleEngines`; without it, the environment's two variables), else `docker buildx`
 * when docker with buildx answers (its daemon included), else buildah when installed.
 */
export async function selectEngine(
  choice: EngineChoice,
  env: NodeJS.ProcessEnv,
  probe: CommandProbe = commandProbe(env),
  daemons?: BuildkitDaemons,
): Promise<EngineSelection> {
  if (choice !== 'auto') return { engine: choice, reason: `engine ${choice} was asked for` };
  if (daemons !== undefined && daemons.hosts.length > 0) {
    return { engine: 'buildkit', reason: `${daemons.source} is ${daemons.hosts.join(', ')}` };
  }
  if (env.BUILDKIT_HOST) return { engine: 'buildkit', reason: `BUILDKIT_HOST is ${env.BUILDKIT_HOST}` };
  if (env.DEPLOYER_BUILDKIT_HOSTS?.trim()) {
    return { engine: 'buildkit', reason: `DEPLOYER_BUILDKIT_HOSTS is ${env.DEPLOYER_BUILDKIT_HOSTS}` };
  }
  const [buildx, daemon] = await Promise.all([
    probe('docker', ['buildx', 'version']),
    probe('docker', ['version', '--format', '{{.Server.Version}}']),
  ]);
  if (buildx && daemon) return { engine: 'buildx', reason: 'docker with buildx answers' };
  if (await probe('buildah', ['--version'])) {
    return { engine: 'buildah', reason: 'buildah is installed (no BUILDKIT_HOST, no docker buildx)' };
  }
  throw new EngineUnavailableError(
    'no build engine found: set BUILDKIT_HOST to a BuildKit daemon (e.g. unix:///run/buildkit/buildkitd.sock), ' +
      'or install Docker with buildx, or install buildah (Debian/Ubuntu: apt-get install buildah)',
  );
}
