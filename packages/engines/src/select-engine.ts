import {
  builtinEngineNames,
  CodedError,
  type EngineChoice,
  type EngineDefinition,
  type EngineName,
} from '@deployer/contracts';
import type { BuildkitDaemons } from './assembly/buildkit-daemons.js';
import { builtinEngineDefinitions } from './builtin-engines.js';
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
 * A named engine is taken as asked (the assembly checked that it is registered). `auto` asks each
 * definition's `detect` in order, the built-ins first (BuildKit when a daemon is named, docker buildx,
 * buildah), then a config module's engines, and takes the first that answers with a reason.
 */
export async function pickEngine(
  choice: EngineChoice,
  definitions: readonly EngineDefinition[],
  env: NodeJS.ProcessEnv,
): Promise<EngineSelection> {
  if (choice !== 'auto') return { engine: choice, reason: `engine ${choice} was asked for` };
  for (const definition of definitions) {
    const reason = await definition.detect?.({ env });
    if (reason !== undefined) return { engine: definition.name, reason };
  }
  const plugins = definitions.filter((definition) => !isBuiltin(definition.name));
  throw new EngineUnavailableError(
    'no build engine found: set BUILDKIT_HOST to a BuildKit daemon (e.g. unix:///run/buildkit/buildkitd.sock), ' +
      'or install Docker with buildx, or install buildah (Debian/Ubuntu: apt-get install buildah)' +
      (plugins.length > 0
        ? `; the config's engines (${plugins.map((p) => p.name).join(', ')}) found none either`
        : ''),
  );
}

/**
 * `auto` over the built-in engines only (see `pickEngine`): BuildKit when a daemon is named (`daemons`:
 * `--buildkit-host`, DEPLOYER_BUILDKIT_HOSTS or BUILDKIT_HOST, see `assembleEngines`; without it, the
 * environment's two variables), else `docker buildx` when docker with buildx answers, else buildah.
 */
export function selectEngine(
  choice: EngineChoice,
  env: NodeJS.ProcessEnv,
  probe: CommandProbe = commandProbe(env),
  daemons?: BuildkitDaemons,
): Promise<EngineSelection> {
  return pickEngine(choice, builtinEngineDefinitions({ env, probe, ...(daemons && { daemons }) }), env);
}

function isBuiltin(name: string): boolean {
  return (builtinEngineNames as readonly string[]).includes(name);
}
