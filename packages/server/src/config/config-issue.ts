import { formatSpecPath, issueMessage } from '@deployer/deploy';
import type { z } from 'zod';

/** A key path the way users read it: `repositories[0].spec`, `(root)` when empty (as spec errors do). */
export const formatKeyPath = formatSpecPath;

/** What a zod issue says, with the rule: an unknown key names the key and what to do about it. */
export function configIssueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (a strict object: remove or fix the spelling)`;
  }
  return issueMessage(issue);
}
