import { GitCheckoutError } from '../errors.js';

/** The transports a clone URL may use; git is told to refuse every other (ext::, fd::, http://, git://). */
export const allowedProtocols = ['https', 'ssh', 'file'] as const;

// scp-like ssh: user@host:path. User and host start with a letter or digit, so neither reads as an option
// to ssh (`-oProxyCommand=…`).
const scpLike = /^[A-Za-z0-9][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:(?!\/\/)[^\s]+$/;

function invalid(url: string, rule: string): GitCheckoutError {
  return new GitCheckoutError('INVALID_URL', `clone URL ${JSON.stringify(url)}: ${rule}`);
}

/**
 * Accepts `https://host/path`, `ssh://[user@]host[:port]/path`, `user@host:path` and `file:///absolute/path`.
 * Refused: anything that could pass as an option (a leading `-`, in the URL or its host), whitespace and
 * control characters, other transports, and credentials in the URL (they would reach argv and error
 * messages; use ssh keys or a credential helper).
 */
export function validateCloneUrl(url: string): string {
  if (url.startsWith('-')) throw invalid(url, 'must not start with "-" (it would read as an option)');
  if (/[\s\u0000-\u001f\u007f]/.test(url)) {
    throw invalid(url, 'must not contain whitespace or control characters');
  }
  if (scpLike.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'must be https://host/path, ssh://host/path, user@host:path or file:///path');
  }
  const protocol = parsed.protocol.slice(0, -1);
  if (!(allowedProtocols as readonly string[]).includes(protocol)) {
    throw invalid(url, `transport ${protocol}:// is not allowed (allowed: https, ssh, user@host:path, file)`);
  }
  if (parsed.password !== '' || (protocol === 'https' && parsed.username !== '')) {
    throw invalid(url, 'must not carry credentials (they would reach argv and logs)');
  }
  if (protocol === 'file') {
    if (parsed.host !== '' && parsed.host !== 'localhost') {
      throw invalid(url, 'a file:// URL names a local path: file:///absolute/path');
    }
    if (parsed.pathname === '/' || parsed.pathname === '') throw invalid(url, 'names no repository path');
    return url;
  }
  if (parsed.hostname === '' || parsed.hostname.startsWith('-')) {
    throw invalid(url, 'needs a host that does not start with "-"');
  }
  if (parsed.username.startsWith('-')) throw invalid(url, 'the user must not start with "-"');
  if (parsed.pathname === '/' || parsed.pathname === '') throw invalid(url, 'names no repository path');
  return url;
}
