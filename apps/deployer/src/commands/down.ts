import { downEnvironment, hookTeardownResult, validateBuildUuid } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import type { CommandContext } from '../cli/command.js';
import { loadEnvironmentFromFlags } from '../cli/environment-from-flags.js';
import { UsageError } from '../cli/errors.js';
import { registryFromFlags } from '../cli/plan-from-flags.js';
import { configFromFlags } from '../config/config-from-flags.js';
import { runHooks } from '../config/run-hooks.js';
import { formatTable } from '../output/table.js';
import { downFlags } from './usage/down.js';

export async function runDown(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags: values } = parseFlags('down', argv, downFlags);
  if (values.uuid === undefined)
    throw new UsageError('--uuid is required: down deletes one environment', 'down');
  const buildUuid = validateBuildUuid(values.uuid, '--uuid');
  const environment = await loadEnvironmentFromFlags('down', values, context);
  const result = await downEnvironment(environment, {
    registry: await registryFromFlags(environment, context, values),
    buildUuid,
    dryRun: values['dry-run'] ?? false,
    signal: context.signal,
  });
  const afterTeardown = async () => {
    const config = await configFromFlags(values, context);
    await runHooks(config, 'afterTeardown', { buildUuid, result: hookTeardownResult(result) });
  };
  if (values.json) {
    context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    await afterTeardown();
    return 0;
  }
  const done = (action: (typeof result.actions)[number]): string => {
    if (action.action === 'absent') return 'absent';
    if (action.action === 'keep') return `keep: ${action.reason}`;
    const [verb, done] = action.action === 'untag' ? ['untag', 'untagged'] : ['delete', 'deleted'];
    const said = result.dryRun ? `would ${verb}` : action.deleted ? done : `not ${done}`;
    return action.reason ? `${said}: ${action.reason}` : said;
  };
  context.stdout.write(
    formatTable(
      ['KIND', 'SERVICE', 'ACTION', 'REF'],
      result.actions.map((action) => [action.kind, action.service, done(action), action.ref]),
    ),
  );
  await afterTeardown();
  return 0;
}
