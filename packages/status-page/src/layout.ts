import { html, SafeHtml } from './html.js';
import { refreshScript } from './refresh-script.js';
import { styles } from './styles.js';

export interface LayoutOptions {
  title: string;
  signedIn: boolean;
  /** Set while a build is queued or running: the page refreshes itself every so many seconds. */
  refreshSeconds?: number | undefined;
  content: SafeHtml;
}

/** Seconds between refreshes while a build is queued or running. */
export const refreshSeconds = 3;

/** The document every page shares: head (inline style and script), header, and `<main id="content">`. */
export function renderLayout(options: LayoutOptions): string {
  const refresh = options.refreshSeconds;
  const account = options.signedIn
    ? html`<span class="muted">signed in</span>`
    : html`<a href="/sign-in">Sign in</a>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${refresh ? html`<noscript><meta http-equiv="refresh" content="${refresh}"></noscript>` : ''}
<style>${rawAsset(styles)}</style>
</head>
<body>
<header><h1><a href="/">deployer</a></h1><nav>${account}</nav></header>
<main id="content"${refresh ? html` data-refresh-seconds="${refresh}"` : ''}>
${options.content}
</main>
<script>${rawAsset(refreshScript)}</script>
</body>
</html>
`;
  return page.value;
}

/** The constant inline assets go in verbatim: the Content-Security-Policy hashes exactly their text. */
function rawAsset(text: string): SafeHtml {
  return new SafeHtml(text);
}
