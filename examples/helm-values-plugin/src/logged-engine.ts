import type { BuildEngine, CacheFlavour, EngineDefinition } from '@deployer/contracts';

export interface LoggedEngineOptions {
  /** The new engine's name (`--engine NAME`). */
  name: string;
  /** The registered engine it wraps (`buildkit`, `buildah`, another plugin's). */
  base: string;
  /** The base's cache flavour: plans are made for the engine that really builds. */
  cacheFlavour: CacheFlavour;
  /** Where a line goes per build; stderr by default. */
  log?: (line: string) => void;
  /** A label added to every image it builds (`org.example.built-by=deployer`). */
  labels?: Record<string, string>;
}

/**
 * An engine wrapping another: every build is logged and labelled, then handed to the base engine the
 * assembly made (with its checked settings, shared with `--engine <base>`). `auto` never picks it (no
 * `detect`): it is asked for by name.
 */
export function loggedEngine(options: LoggedEngineOptions): EngineDefinition {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    name: options.name,
    cacheFlavour: options.cacheFlavour,
    description: `${options.base}, each build logged${options.labels ? ' and labelled' : ''}`,
    async create(context) {
      const base = await context.engine(options.base);
      const labelled = <Request extends Parameters<BuildEngine['build']>[0]>(request: Request): Request =>
        options.labels === undefined
          ? request
          : { ...request, labels: { ...request.labels, ...options.labels } };
      return {
        name: base.name,
        async build(request) {
          log(`${options.name}: building ${request.service} of ${request.buildUuid} with ${options.base}`);
          const result = await base.build(labelled(request));
          log(`${options.name}: built ${request.service}`);
          return result;
        },
        argv: (request) => base.argv(labelled(request)),
        ...(base.warmUp && { warmUp: () => base.warmUp?.() }),
      };
    },
  };
}
