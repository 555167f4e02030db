import { cacheRefreshLine } from './cache-sources.js';
import { lastBuildTime, statusBadge, timeAgo } from './environment-parts.js';
import { formatDuration, formatRatio, shortSha } from './format.js';
import { html, type SafeHtml } from './html.js';
import { readBuildReport, type ServiceReportView } from './report-view.js';
import type { BuildRecord } from './view-types.js';

/** Where a visitor who may not read failure text (see `PageAccess.showFailureText`) learns how to. */
const signInForFailures = html`<p class="muted failure-hidden">Sign in to see why it failed.</p>`;

function stepsCell(service: ServiceReportView): SafeHtml {
  if (service.steps === null) return html`–`;
  const { total, cached, shared } = service.steps;
  return html`${total} steps, ${cached} cached${shared > 0 ? `, ${shared} shared` : ''}`;
}

function failureBlock(service: ServiceReportView, failureTextHidden: boolean): SafeHtml | string {
  const failure = service.failure;
  if (failure === null) return service.reason ? html`<p class="muted">${service.reason}</p>` : '';
  return html`<div class="failure" data-service="${service.service}">
<p class="error">${service.service} failed${failure.cause ? ` (${failure.cause})` : ''}${
    failure.step ? html` at step <code class="failure-step">${failure.step}</code>` : ''
  }${service.reason ? `: ${service.reason}` : ''}</p>
${failure.logTail.length > 0 ? html`<pre class="log-tail">${failure.logTail.join('\n')}</pre>` : ''}
${failureTextHidden ? signInForFailures : ''}
</div>`;
}

function reportBlock(build: BuildRecord, failureTextHidden: boolean): SafeHtml {
  const report = readBuildReport(build.report);
  if (report === null)
    return html`<p class="muted">No report${build.status === 'running' ? ' yet' : ''}.</p>`;
  const rows = report.services.map(
    (service) => html`<tr>
<td>${service.service}</td><td>${statusBadge(service.status)}</td><td><code>${service.image ?? '–'}</code></td>
<td>${stepsCell(service)}</td><td>${formatRatio(service.cacheHitRatio)}</td><td>${formatDuration(service.durationMs)}</td>
</tr>`,
  );
  return html`<p class="muted">engine ${report.engine ?? '–'} · run ${report.runId ?? '–'} · ${formatDuration(report.durationMs)}</p>
<table>
<thead><tr><th>service</th><th>status</th><th>image</th><th>steps</th><th>cache hit ratio</th><th>duration</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${report.services.map(cacheRefreshLine)}
${report.services.map((service) => failureBlock(service, failureTextHidden))}`;
}

/**
 * One build of an environment: what it built and how (its report: per service the image, steps, cached
 * steps, duration, a skipped service's cache refresh, and a failure's step and log tail), in a
 * `<details>` so older builds stay folded.
 * `failureTextHidden`: the build comes without its failure text (withoutFailureText), and what failed
 * says where to read why.
 */
export function renderBuildSection(
  build: BuildRecord,
  options: { open: boolean; now: Date; failureTextHidden?: boolean },
): SafeHtml {
  const hidden = options.failureTextHidden === true;
  // A build that failed before any service ran has only its error to tell why.
  const errorHidden = hidden && build.status === 'failed' && readBuildReport(build.report) === null;
  return html`<details class="build" id="build-${build.id}"${options.open ? html` open` : ''}>
<summary>${build.kind} ${statusBadge(build.status)} <code>${shortSha(build.sha)}</code>
· generation ${build.generation} · ${timeAgo(lastBuildTime(build), options.now)}</summary>
${build.error ? html`<p class="error">${build.error}</p>` : ''}
${errorHidden ? signInForFailures : ''}
${build.kind === 'build' ? reportBlock(build, hidden) : ''}
</details>`;
}
