import {
  environmentPath,
  environmentTitle,
  isInProgress,
  lastBuildTime,
  statusBadge,
  timeAgo,
} from './environment-parts.js';
import { withoutFailureText } from './failure-text.js';
import { formatRatio } from './format.js';
import { html, type SafeHtml } from './html.js';
import { refreshSeconds, renderLayout } from './layout.js';
import type { PageAccess } from './page-access.js';
import { readBuildReport } from './report-view.js';
import type { EnvironmentSummary } from './view-types.js';

export interface EnvironmentsPageOptions extends PageAccess {
  /** The time ages are counted from (the server's "now"). */
  now: Date;
}

/** Fallback environments first (by name), then pull requests by number. */
function byKindThenNumber(a: EnvironmentSummary, b: EnvironmentSummary): number {
  if (a.kind !== b.kind) return a.kind === 'fallback' ? -1 : 1;
  if (a.kind === 'fallback') return a.buildUuid.localeCompare(b.buildUuid);
  return (a.pullRequestNumber ?? 0) - (b.pullRequestNumber ?? 0);
}

function servicesTable(environment: EnvironmentSummary): SafeHtml {
  const report = readBuildReport(environment.lastBuild?.report ?? null);
  if (report === null || report.services.length === 0) {
    return html`<p class="muted">No build report yet.</p>`;
  }
  const rows = report.services.map(
    (service) => html`<tr>
<td>${service.service}</td><td>${statusBadge(service.status)}</td>
<td><code>${service.image ?? '–'}</code></td><td>${formatRatio(service.cacheHitRatio)}</td>
</tr>`,
  );
  return html`<table>
<thead><tr><th>service</th><th>status</th><th>image</th><th>cache hit ratio</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function environmentCard(environment: EnvironmentSummary, now: Date): SafeHtml {
  const build = environment.lastBuild;
  return html`<article class="environment" data-build-uuid="${environment.buildUuid}">
<h3><a href="${environmentPath(environment)}">${environmentTitle(environment)}</a></h3>
<p>build uuid <code class="build-uuid">${environment.buildUuid}</code> · ${statusBadge(environment.status)}
· last build ${build ? html`${statusBadge(build.status)} ${timeAgo(lastBuildTime(build), now)}` : 'none yet'}</p>
${servicesTable(environment)}
</article>`;
}

/** `GET /`: every environment, grouped by repository, then fallback and pull request. */
export function renderEnvironmentsPage(
  all: readonly EnvironmentSummary[],
  options: EnvironmentsPageOptions,
): string {
  // The list shows no failure text today; rendering from the stripped copy keeps it so.
  const environments = options.showFailureText === true ? all : all.map(withoutFailureText);
  const byRepository = new Map<string, EnvironmentSummary[]>();
  for (const environment of environments) {
    const group = byRepository.get(environment.repository) ?? [];
    group.push(environment);
    byRepository.set(environment.repository, group);
  }
  const sections = [...byRepository.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([repository, group]) => html`<section class="repository">
<h2>${repository}</h2>
${[...group].sort(byKindThenNumber).map((environment) => environmentCard(environment, options.now))}
</section>`,
    );
  const content =
    sections.length === 0
      ? html`<p>No environments yet: they appear with the first pull request.</p>`
      : sections;
  return renderLayout({
    title: 'deployer · environments',
    signedIn: options.signedIn,
    csrfToken: options.csrfToken,
    refreshSeconds: environments.some(isInProgress) ? refreshSeconds : undefined,
    content: html`${content}`,
  });
}
