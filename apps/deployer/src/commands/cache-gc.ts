import { collectGarbage, collectRunExports, parseDuration } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import type { CommandContext } from '../cli/command.js';
import { loadEnvironmentFromFlags } from '../cli/environment-from-flags.js';
import { UsageError } from '../cli/errors.js';
import { registryFromFlags } from '../cli/plan-from-flags.js';
import { formatAge, formatBytes, formatTable } from '../output/table.js';
import { cacheGcFlags } from './usage/cache-gc.js';

export async function runCacheGc(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags: values } = parseFlags('cache gc', argv, cacheGcFlags);
  if (values['older-than'] === undefined)
    throw new UsageError('--older-than <age> is required, e.g. 14d', 'cache gc');
  const olderThanMs = parseDuration(values['older-than'], '--older-than');
  const environment = await loadEnvironmentFromFlags('cache gc', values, context);
  const now = new Date();
  const registry = await registryFromFlags(environment, context, values);
  const dryRun = values['dry-run'] ?? false;
  const result = await collectGarbage(environment, {
    registry,
    olderThanMs,
    now,
    dryRun,
    signal: context.signal,
  });
  // Run tags that killed runs left (never a cache tag), older than the lease's stale age.
  const runTags = await collectRunExports(environment, { registry, now, dryRun, signal: context.signal });
  if (values.json) {
    context.stdout.write(`${JSON.stringify({ ...result, runTags }, null, 2)}\n`);
    return 0;
  }
  for (const entry of runTags.filter((tag) => tag.action === 'delete')) {
    context.stdout.write(`${result.dryRun ? 'would remove' : 'removed'} run tag ${entry.ref}\n`);
  }
  // Leases of runs that are gone (killed before releasing them); live and fallback leases stay unsaid.
  for (const entry of result.leases.filter((lease) => lease.action === 'delete')) {
    const done = result.dryRun ? 'would remove' : entry.deleted ? 'removed' : 'could not remove';
    context.stdout.write(`${done} lease ${entry.ref}: ${entry.reason}\n`);
  }
  // Images of environments other than the fallbacks: what goes, and why what was judged stays.
  for (const entry of result.images) {
    const [would, did] = entry.action === 'untag' ? ['would untag', 'untagged'] : ['would delete', 'deleted'];
    const done =
      entry.action === 'keep' || entry.action === 'absent'
        ? entry.action
        : result.dryRun
          ? would
          : entry.deleted
            ? did
            : `could not ${would.slice('would '.length)}`;
    context.stdout.write(`${done} image ${entry.ref}: ${entry.reason}\n`);
  }
  const verb = result.dryRun ? 'would delete' : 'deleted';
  context.stdout.write(`cutoff ${result.cutoff}\n`);
  context.stdout.write(
    formatTable(
      ['ENVIRONMENT', 'SERVICE', 'ACTION', 'SIZE', 'AGE', 'REF'],
      result.entries.map((entry) => [
        entry.buildUuid ?? '(service-wide)',
        entry.service,
        entry.action === 'delete' ? verb : `keep: ${entry.reason}`,
        formatBytes(entry.sizeBytes),
        formatAge(entry.createdAt, now),
        entry.ref,
      ]),
    ),
  );
  return 0;
}
