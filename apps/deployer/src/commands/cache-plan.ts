import {
  buildahCacheArgs,
  buildctlCacheArgs,
  parseCacheConfig,
  planCache,
  validateRegistryHost,
  validateRepositoryPath,
} from '@deployer/cache-ref';
import type { CacheFlavour, CachePlan } from '@deployer/contracts';
import { validateBuildUuid } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import type { CommandContext } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { fallbackUuids } from '../cli/fallbacks-from-flags.js';
import { validateFlag } from '../cli/validate-flag.js';
import { cachePlanFlags } from './usage/cache-plan.js';

export async function runCachePlan(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags: values } = parseFlags('cache plan', argv, cachePlanFlags);
  for (const required of ['registry', 'repository', 'service'] as const) {
    if (values[required] === undefined) throw new UsageError(`--${required} is required`, 'cache plan');
  }
  validateFlag('cache plan', 'registry', values.registry!, validateRegistryHost);
  validateFlag('cache plan', 'repository', values.repository!, validateRepositoryPath);
  // The same rule as every other command's: a build uuid is validated where it enters, once.
  const buildUuid = values.uuid === undefined ? null : validateBuildUuid(values.uuid, '--uuid');
  const fallbacks = fallbackUuids(values.fallback ?? []);
  const config = parseCacheConfig({
    registry: values.registry,
    ...(values.kind && { kind: values.kind }),
    ...(values.strategy && { strategy: values.strategy }),
    insecure: values.insecure ?? false,
  });
  const plan = planCache({
    config,
    repository: values.repository!,
    service: values.service!,
    buildUuid,
    fallbacks,
    engine: (values.engine as CacheFlavour | undefined) ?? 'buildkit',
  });
  const engineArgs = plan.engine === 'buildah' ? buildahCacheArgs(plan) : buildctlCacheArgs(plan);
  context.stdout.write(
    values.json
      ? `${JSON.stringify({ ...plan, args: engineArgs }, null, 2)}\n`
      : formatPlan(plan, engineArgs),
  );
  return 0;
}

function formatPlan(plan: CachePlan, engineArgs: string[]): string {
  const lines = [
    `registry  ${plan.registry} (${plan.profile.kind}, strategy ${plan.strategy}, mode ${plan.mode}${plan.insecure ? ', insecure' : ''})`,
    `export    ${plan.export?.ref ?? '(none: no build uuid, so nothing is written)'}`,
    ...plan.imports.map((endpoint, index) => `import ${index + 1}  ${endpoint.ref}  (${endpoint.source})`),
    `lease     ${plan.lease?.ref ?? '(none: no build uuid)'}`,
    '',
    `${plan.engine === 'buildah' ? 'buildah build' : 'buildctl build'} flags:`,
    ...pairs(engineArgs).map((pair) => `  ${pair.join(' ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

function pairs(args: string[]): string[][] {
  const result: string[][] = [];
  for (const arg of args) {
    if (arg.startsWith('--') || result.length === 0) result.push([arg]);
    else result[result.length - 1]!.push(arg);
  }
  return result;
}
