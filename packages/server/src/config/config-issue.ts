import type { z } from 'zod';

// deploy keeps the same two helpers for environment specs (spec-path.ts, zod-issue-message.ts) but does
// not export them; this is the server config's one copy.
const identifier = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** A key path the way users read it: `repositories[0].spec`, `(root)` when empty. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && identifier.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** What a zod issue says, with the rule: an unknown key names the key and what is allowed. */
export function configIssueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (a strict object: remove or fix the spelling)`;
  }
  return issue.message;
}
