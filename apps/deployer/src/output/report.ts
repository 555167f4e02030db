import type { BuildReport } from '@deployer/deploy';
import { seedingText } from './progress.js';
import { formatDuration, formatTable } from './table.js';

/** The summary a build ends with: one row per service. */
export function formatReport(report: BuildReport): string {
  const pooled = report.services.some((result) => result.daemon !== undefined);
  const rows = report.services.map((result) => [
    result.service,
    result.status,
    result.digest ? `${result.image}@${result.digest}` : result.image,
    String(result.steps.total),
    // The ratio leaves shared steps out (a concurrent build on the daemon ran them): see the README.
    `${result.steps.cached} (${Math.round(result.cacheHitRatio * 100)}%)${
      result.steps.shared > 0 ? `, ${result.steps.shared} shared` : ''
    }`,
    formatDuration(result.durationMs),
    // Only with a BuildKit pool: the daemon that built it, after those that failed it.
    ...(pooled ? [daemonsOf(result)] : []),
  ]);
  const failures = report.services
    .filter((result) => result.status === 'failed' || result.status === 'superseded')
    .map((result) => {
      const tail = result.failure?.logTail?.length ? `\n    ${result.failure.logTail.join('\n    ')}` : '';
      return `${result.service}: ${result.reason ?? result.status}${tail}`;
    });
  // Only seeding that was tried: a warm environment's "own cache ref exists" is no news.
  const seeded = report.services
    .filter((result) => result.seeding !== undefined && result.seeding.from !== null)
    .map((result) => `${result.service}: ${seedingText(result.seeding!)}`);
  // A skipped service whose own cache followed the environment that built its image; why one did not is
  // in --json (mostly "as new as …": no news), and a failed attempt warned already.
  const refreshed = report.services
    .filter((result) => result.cacheRefresh?.status === 'refreshed')
    .map(
      (result) =>
        `${result.service}: cache brought up to date from ${result.cacheRefresh!.from} (${result.cacheRefresh!.reason})`,
    );
  const totals = Object.entries(report.totals)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  return `\n${formatTable(
    ['SERVICE', 'STATUS', 'IMAGE', 'STEPS', 'CACHED', 'DURATION', ...(pooled ? ['DAEMON'] : [])],
    rows,
  )}${
    failures.length > 0 ? `\n${failures.join('\n')}\n` : ''
  }${seeded.length > 0 ? `\n${seeded.join('\n')}\n` : ''}${
    refreshed.length > 0 ? `\n${refreshed.join('\n')}\n` : ''
  }\nenvironment ${report.buildUuid} (run ${report.runId}): ${totals} in ${formatDuration(report.durationMs)}\n`;
}

function daemonsOf(result: BuildReport['services'][number]): string {
  const failed = (result.daemonsTried ?? []).filter((daemon) => daemon !== result.daemon);
  return `${result.daemon ?? '-'}${failed.length > 0 ? ` (after ${failed.join(', ')})` : ''}`;
}
