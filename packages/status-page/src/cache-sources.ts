import { html, type SafeHtml } from './html.js';
import { newestImportOrder } from './import-order.js';
import type { ServiceReportView } from './report-view.js';
import type { BuildRecord } from './view-types.js';

/**
 * Where the environment's newest build took its cache from: its own cache ref, then each fallback's, in
 * the order the engine imported them, each with why it warms this environment. Not failure text: build
 * uuids of this repository's environments and the server's own wording, so every visitor sees it.
 */
export function importOrderSection(builds: readonly BuildRecord[]): SafeHtml | string {
  const newest = newestImportOrder(builds);
  if (newest === null) return '';
  const entries = newest.importOrder.map(
    (entry) => html`<li data-source="${entry.source}"><code class="import-uuid">${entry.buildUuid}</code>
<span class="source">${entry.source}</span> · <span class="why">${entry.why}</span></li>`,
  );
  return html`<section class="import-order" data-build-id="${newest.buildId}">
<h2>Cache import order</h2>
<p class="muted">as build <a href="#build-${newest.buildId}">${newest.buildId}</a> imported them: its own cache first, then its fallbacks'</p>
${entries.length > 0 ? html`<ol>${entries}</ol>` : html`<p class="muted">No cache imported.</p>`}
</section>`;
}

/**
 * A skipped service's cache refresh: its image existed, so nothing was built, and its own cache ref was
 * (or was not, and why) brought up to date from the cache of the environment that built that image.
 */
export function cacheRefreshLine(service: ServiceReportView): SafeHtml | string {
  const refresh = service.cacheRefresh;
  if (refresh === null) return '';
  const outcome =
    refresh.status === 'refreshed'
      ? html`cache refreshed${refresh.from === null ? '' : html` from <code class="refresh-from">${refresh.from}</code>`}`
      : 'cache not refreshed';
  const why = refresh.reason === null ? '' : html`: <span class="why">${refresh.reason}</span>`;
  return html`<p class="cache-refresh muted" data-service="${service.service}" data-status="${refresh.status}">${service.service}: ${outcome}${why}</p>`;
}
