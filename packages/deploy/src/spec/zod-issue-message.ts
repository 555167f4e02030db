import type { z } from 'zod';

/**
 * What a zod issue says, with the rule that was broken: a rejected record key (a service name, a build
 * argument) carries its rule in nested issues that zod's own "Invalid key in record" leaves out.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    const rules = issue.issues.map((inner) => inner.message).join('; ');
    return `key ${JSON.stringify(String(key))} is not allowed: ${rules}`;
  }
  return issue.message;
}
