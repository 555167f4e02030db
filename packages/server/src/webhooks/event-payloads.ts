import { z } from 'zod';
import { formatKeyPath } from '../config/config-issue.js';
import { WebhookError } from './webhook-error.js';

// Only the fields the server reads; GitHub sends many more, which pass untouched.
const commitSha = z
  .string()
  .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a full commit id (40 or 64 hex)');

// Postgres' integer, which stores it; GitHub's numbers are far below. Also no negatives, no fractions.
const maxPullRequestNumber = 2_147_483_647;
const pullRequestNumberRule = `must be a pull request number, a whole number from 1 to ${maxPullRequestNumber}`;
const pullRequestNumber = z
  .number({ error: pullRequestNumberRule })
  .int(pullRequestNumberRule)
  .min(1, pullRequestNumberRule)
  .max(maxPullRequestNumber, pullRequestNumberRule);

// A git branch name as GitHub sends it (`release/1.4`): stored, matched against `branches` and shown in
// import orders, so no whitespace, control characters or the characters git refuses in a ref.
const branchName = z
  .string()
  .min(1, 'must be a branch name')
  .max(255, 'must be a branch name of at most 255 characters')
  .regex(/^[^\s\x00-\x1f\x7f~^:?*[\\]+$/, 'must be a git branch name');

export const RepositoryPayload = z.looseObject({
  repository: z.looseObject({
    full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be owner/name'),
    default_branch: z.string().min(1).optional(),
  }),
});

// `pull_request` first: its issues (pull_request.number among them) are the ones named when both fail.
export const PullRequestPayload = z.looseObject({
  pull_request: z.looseObject({
    number: pullRequestNumber.optional(),
    state: z.string(),
    title: z.string(),
    head: z.looseObject({
      sha: commitSha,
      ref: branchName,
      // null when the fork it came from was deleted.
      repo: z.looseObject({ full_name: z.string() }).nullable(),
    }),
    base: z.looseObject({ ref: branchName }),
    labels: z.array(z.looseObject({ name: z.string() })),
  }),
  action: z.string(),
  number: pullRequestNumber,
  label: z.looseObject({ name: z.string() }).optional(),
});

/** The repository's default branch, which pull request events carry too. */
export const DefaultBranchPayload = z.looseObject({
  repository: z.looseObject({ default_branch: branchName }),
});

/** What `closed` adds: whether it merged, and the commit the merge made on the base branch. */
export const ClosedPullRequestPayload = z.looseObject({
  pull_request: z.looseObject({
    merged: z.boolean({ error: 'must be true or false' }),
    merge_commit_sha: commitSha.nullable(),
  }),
});

export const PushPayload = z.looseObject({
  ref: z.string(),
  after: commitSha,
  deleted: z.boolean().optional(),
  repository: z.looseObject({ default_branch: branchName }),
});

/** Parses the fields an event needs; a missing or malformed one is a 400 naming it (`pull_request.head.sha`). */
export function readPayload<T extends z.ZodType>(schema: T, payload: unknown, event: string): z.output<T> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new WebhookError(
    400,
    'INVALID_PAYLOAD',
    `${event} payload: ${formatKeyPath(issue.path)}: ${issue.message}`,
  );
}
