import { buildEnvironment, reportToJson } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { engineFromFlags, planFromFlags, planningFlags } from '../cli/plan-from-flags.js';
import { liveProgress, plainProgress } from '../output/progress.js';
import { formatReport } from '../output/report.js';

const flags = {
  ...planningFlags,
  concurrency: { type: 'string', value: '<n>', description: 'builds at once (default 4)' },
  'keep-going': { type: 'boolean', description: 'keep building what does not depend on a failure' },
  json: { type: 'boolean', description: 'print the JSON report' },
} as const;

export const buildCommand: Command = {
  path: ['build'],
  summary: "build every service of an environment with the environment's own cache",
  usage:
    'deployer build -f env.yaml [--uuid U] [--fallback U]… [--service S]… [--concurrency N] [--keep-going] [--force] [--json]',
  flags,
  async run(argv, context) {
    const { flags: values } = parseFlags('build', argv, flags);
    const concurrency = parseConcurrency(values.concurrency);
    const { selection, registry, plan } = await planFromFlags('build', values, context);
    const { engine, buildahStorage } = await engineFromFlags('build', selection, values, context);

    const live = !values.json && context.stdout.isTTY === true;
    if (!values.json) {
      context.stdout.write(
        `environment ${plan.buildUuid}  engine ${selection.engine}${buildahStorage ? `  storage ${buildahStorage.storageDriver} ${buildahStorage.storageRoot}` : ''}  fallbacks ${plan.fallbacks.join(', ') || '(none)'}\n`,
      );
    }
    const view = values.json
      ? undefined
      : live
        ? liveProgress(
            context.stdout,
            plan.services.map((service) => service.service),
            !context.env.NO_COLOR,
          )
        : plainProgress(context.stdout);
    const report = await buildEnvironment(plan, {
      engine,
      registry,
      concurrency,
      keepGoing: values['keep-going'] ?? false,
      signal: context.signal,
      env: context.env,
      ...(view && { onEvent: (event) => view.onEvent(event) }),
    });
    view?.close();
    // buildah's storage (driver, directory, why) beside deploy's report: the engine's, not the environment's.
    const json = buildahStorage
      ? `${JSON.stringify({ ...report, buildahStorage }, null, 2)}\n`
      : reportToJson(report);
    context.stdout.write(values.json ? `${json}\n` : formatReport(report));
    // Superseded is no failure of the environment (a newer run owns it), but this run's images were not
    // all pushed: a CI step that goes on to deploy them must not think they were.
    return report.ok && report.totals.superseded === 0 ? 0 : 1;
  },
};

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Plain decimal digits only: Number() would also take "0x10", "1e1" and " 2".
  const n = /^[1-9][0-9]{0,2}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= 64)) {
    throw new UsageError(
      `--concurrency must be a whole number from 1 to 64 in decimal digits (got ${JSON.stringify(value)})`,
      'build',
    );
  }
  return n;
}
