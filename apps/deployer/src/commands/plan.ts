import type { EngineArgv } from '@deployer/contracts';
import { engineArgvs, plannedRun } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import type { CommandContext } from '../cli/command.js';
import { planFromFlags } from '../cli/plan-from-flags.js';
import { formatArgv } from '../output/argv.js';
import { formatImportOrder } from '../output/import-order.js';
import { formatTable } from '../output/table.js';
import { planFlags } from './usage/plan.js';

/** `deployer plan`: the plan and the engine argv per service; builds nothing. */
export async function runPlan(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags: values } = parseFlags('plan', argv, planFlags);
  // A plan is for looking before building (offline, before credentials, in review): a registry that
  // cannot be asked leaves the image actions unknown instead of failing it.
  const { engines, selection, plan } = await planFromFlags('plan', values, context, {
    onRegistryError: 'unknown',
  });
  if (plan.registryProblem !== null) {
    context.stderr.write(
      `deployer plan: warning: could not ask registry ${plan.registryProblem.registry} which images exist (${plan.registryProblem.message}); image actions are unknown\n`,
    );
  }
  // `build` always has a registry here, so it exports per run: show that run's tag as a stand-in.
  const { engine } = await engines.engine(selection.engine);
  const argvs = await engineArgvs(plan, engine, {
    run: plannedRun,
    signal: context.signal,
  });
  const argvOf = (service: string): EngineArgv => argvs.get(service)!;
  if (values.json) {
    const services = plan.services.map((service) => ({
      ...service,
      engineArgv: argvOf(service.service).argv,
      engineArgvUnresolved: argvOf(service.service).unresolved,
    }));
    context.stdout.write(`${JSON.stringify({ ...plan, engine: selection.engine, services }, null, 2)}\n`);
    return 0;
  }
  context.stdout.write(
    `environment ${plan.buildUuid}  engine ${selection.engine} (${selection.reason})  fallbacks ${plan.fallbacks.join(', ') || '(none)'}\n\n`,
  );
  context.stdout.write(formatImportOrder(plan.importOrder));
  context.stdout.write(
    formatTable(
      ['SERVICE', 'ACTION', 'IMAGE', 'CACHE EXPORT'],
      plan.services.map((service) => [
        service.service,
        service.action,
        service.image,
        service.cache.export?.ref ?? '(none)',
      ]),
    ),
  );
  for (const service of plan.services) {
    const { argv: command, unresolved } = argvOf(service.service);
    context.stdout.write(`\n${service.service}: ${service.reason}\n`);
    for (const endpoint of service.cache.imports)
      context.stdout.write(`  import ${endpoint.ref} (${endpoint.source})\n`);
    if (service.cache.export !== null && service.cache.engine === 'buildkit') {
      context.stdout.write(
        `  export to a tag of each run's own (…--run-<start>-<run>), then promoted to ${service.cache.export.ref}\n`,
      );
    }
    context.stdout.write(`  run    ${formatArgv(command)}\n`);
    for (const open of unresolved) {
      context.stdout.write(
        `  ${open.flag} unresolved, one of: ${open.candidates.join(', ')} (${open.reason})\n`,
      );
    }
  }
  return 0;
}
