import { GitCheckoutError } from '../errors.js';

/** A full commit id, lower-cased: 40 hex digits (SHA-1) or 64 (SHA-256). Abbreviations are ambiguous. */
export function validateCommitSha(sha: string): string {
  if (!/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(sha)) {
    throw new GitCheckoutError(
      'INVALID_SHA',
      `commit ${JSON.stringify(sha)}: must be a full commit id, 40 (SHA-1) or 64 (SHA-256) hexadecimal digits`,
    );
  }
  return sha.toLowerCase();
}

/** The repository object format a commit id of this length belongs to. */
export function objectFormatOf(sha: string): 'sha1' | 'sha256' {
  return sha.length === 64 ? 'sha256' : 'sha1';
}
