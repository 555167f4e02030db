import { listEnvironmentCache, validateBuildUuid } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import type { CommandContext } from '../cli/command.js';
import { loadEnvironmentFromFlags } from '../cli/environment-from-flags.js';
import { registryFromFlags } from '../cli/plan-from-flags.js';
import { formatAge, formatBytes, formatTable } from '../output/table.js';
import { cacheLsFlags } from './usage/cache-ls.js';

export async function runCacheLs(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags: values } = parseFlags('cache ls', argv, cacheLsFlags);
  const buildUuid = values.uuid === undefined ? undefined : validateBuildUuid(values.uuid, '--uuid');
  const environment = await loadEnvironmentFromFlags('cache ls', values, context);
  const entries = await listEnvironmentCache(environment, {
    registry: await registryFromFlags(environment, context, values),
    ...(buildUuid !== undefined && { buildUuid }),
    signal: context.signal,
  });
  if (values.json) {
    context.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    context.stdout.write('no cache refs\n');
    return 0;
  }
  const now = new Date();
  context.stdout.write(
    formatTable(
      ['ENVIRONMENT', 'SERVICE', 'ROLE', 'SIZE', 'AGE', 'REF'],
      entries.map((entry) => [
        entry.buildUuid ?? '(service-wide)',
        entry.service,
        entry.role,
        formatBytes(entry.sizeBytes),
        formatAge(entry.createdAt, now),
        entry.ref,
      ]),
    ),
  );
  return 0;
}
