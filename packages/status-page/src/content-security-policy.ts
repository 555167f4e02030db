import { createHash } from 'node:crypto';
import { refreshScript } from './refresh-script.js';
import { styles } from './styles.js';

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The `Content-Security-Policy` header every status page is served with. The pages' only script and
 * stylesheet are inline and allowed by their hashes, so a value that escaped its escaping still could not
 * run; the refresh fetches the page itself (`connect-src 'self'`), forms post only to the server.
 */
export const statusPageContentSecurityPolicy = [
  "default-src 'none'",
  `script-src ${sha256Source(refreshScript)}`,
  `style-src ${sha256Source(styles)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers a status page response carries besides its body. */
export const statusPageHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': statusPageContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};
