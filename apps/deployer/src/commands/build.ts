import { buildEnvironment, hookBuildReport, reportToJson } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import { buildsPerDaemonFromFlag } from '../cli/builds-per-daemon.js';
import type { CommandContext } from '../cli/command.js';
import { planFromFlags } from '../cli/plan-from-flags.js';
import { wholeNumberFlag } from '../cli/whole-number-flag.js';
import { configFromFlags } from '../config/config-from-flags.js';
import { runHooks } from '../config/run-hooks.js';
import { formatReport } from '../output/report.js';
import { buildFlags } from './usage/build.js';

/** `deployer build`: plans, builds what is needed through the engine, reports per service. */
export async function runBuild(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags: values } = parseFlags('build', argv, buildFlags);
  const concurrency = wholeNumberFlag('build', 'concurrency', values.concurrency, { min: 1, max: 64 });
  const buildsPerDaemon = buildsPerDaemonFromFlag('build', values['builds-per-daemon']);
  const { engines, selection, registry, plan } = await planFromFlags('build', values, context, {
    ...(buildsPerDaemon !== undefined && { buildsPerDaemon }),
    onPoolEvent: (event) => {
      if (event.type === 'daemon-down') {
        context.stderr.write(`warning: BuildKit daemon ${event.daemon} ${event.reason}; skipped for now\n`);
      }
    },
  });
  const { engine, buildahStorage } = await engines.engine(selection.engine);
  // A pool checks its daemons once, before any build: none answering is one error (exit 1), not a
  // failure per service.
  if ('prepare' in engine && typeof engine.prepare === 'function') await engine.prepare();
  // Loaded already by the assembly (once per run); a throwing beforeBuild stops the build before it starts.
  const config = await configFromFlags(values, context);
  await runHooks(config, 'beforeBuild', {
    buildUuid: plan.buildUuid,
    services: plan.services.map((service) => service.service),
    engine: selection.engine,
  });

  const live = !values.json && context.stdout.isTTY === true;
  if (!values.json) {
    context.stdout.write(
      `environment ${plan.buildUuid}  engine ${selection.engine}${buildahStorage ? `  storage ${buildahStorage.storageDriver} ${buildahStorage.storageRoot}` : ''}  fallbacks ${plan.fallbacks.join(', ') || '(none)'}\n`,
    );
  }
  // The progress view's module only when there is progress to show (not with --json).
  const progress = values.json ? undefined : await import('../output/progress.js');
  const view =
    progress === undefined
      ? undefined
      : live
        ? progress.liveProgress(
            context.stdout,
            plan.services.map((service) => service.service),
            !context.env.NO_COLOR,
          )
        : progress.plainProgress(context.stdout);
  const report = await buildEnvironment(plan, {
    engine,
    registry,
    concurrency,
    keepGoing: values['keep-going'] ?? false,
    // Off by default: it rewrites the timestamps of the user's tree (see usage/build.ts).
    contentMtimes: values['content-mtimes'] ?? false,
    signal: context.signal,
    env: context.env,
    ...(view && { onEvent: (event) => view.onEvent(event) }),
  });
  view?.close();
  // buildah's storage (driver, directory, why) beside deploy's report: the engine's, not the environment's.
  const json = buildahStorage
    ? JSON.stringify({ ...JSON.parse(reportToJson(report)), buildahStorage }, null, 2)
    : reportToJson(report);
  context.stdout.write(values.json ? `${json}\n` : formatReport(report));
  // After the report is out: a failing afterBuild hook (exit 1, named on stderr) loses none of it.
  await runHooks(config, 'afterBuild', { buildUuid: plan.buildUuid, report: hookBuildReport(report) });
  // Superseded is no failure of the environment (a newer run owns it), but this run's images were not
  // all pushed: a CI step that goes on to deploy them must not think they were.
  return report.ok && report.totals.superseded === 0 ? 0 : 1;
}
