import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';

/**
 * A JSON document as a test reads and edits it: GitHub's payloads and the server's answers, checked by
 * the assertions that read them rather than by a type.
 */
// biome-ignore lint/suspicious/noExplicitAny: the payloads are GitHub's, edited field by field in tests.
export type Json = any;

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

function example(event: string, action?: string): Record<string, Json> {
  const group = examples.find((entry) => entry.name === event);
  const found = group?.examples.find((entry) => action === undefined || entry.action === action);
  if (found === undefined)
    throw new Error(`no @octokit/webhooks-examples payload for ${event} ${action ?? ''}`);
  return structuredClone(found) as Record<string, Json>;
}

function withRepository(payload: Record<string, Json>, fullName: string): Record<string, Json> {
  const [owner, name] = fullName.split('/') as [string, string];
  payload.repository.full_name = fullName;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = 'main';
  return payload;
}

/** GitHub's own example `pull_request` payload for `action`, pointed at our repository and commit. */
export function pullRequestPayload(options: {
  action: 'opened' | 'reopened' | 'synchronize' | 'closed' | 'labeled' | 'unlabeled';
  repository: string;
  number: number;
  headSha: string;
  title?: string;
  labels?: string[];
}): Record<string, Json> {
  const payload = withRepository(example('pull_request', options.action), options.repository);
  payload.number = options.number;
  payload.pull_request.number = options.number;
  payload.pull_request.head.sha = options.headSha;
  payload.pull_request.title = options.title ?? `pull request ${options.number}`;
  payload.pull_request.labels = (options.labels ?? []).map((name, id) => ({
    ...payload.pull_request.labels?.[0],
    id,
    name,
  }));
  payload.pull_request.state = options.action === 'closed' ? 'closed' : 'open';
  return payload;
}

/** GitHub's own example `push` payload, to `branch` at `after`. */
export function pushPayload(options: {
  repository: string;
  branch: string;
  after: string;
}): Record<string, Json> {
  const payload = withRepository(example('push'), options.repository);
  payload.ref = `refs/heads/${options.branch}`;
  payload.after = options.after;
  payload.deleted = false;
  return payload;
}

let deliveries = 0;

/** POSTs a delivery as GitHub does: raw JSON, signed with the secret over those exact bytes. */
export async function deliver(
  serverUrl: string,
  event: string,
  payload: unknown,
  options: { secret: string; deliveryId?: string; body?: string; signature?: string | null },
): Promise<{ status: number; body: Json; deliveryId: string }> {
  deliveries += 1;
  const deliveryId = options.deliveryId ?? `${process.pid}-${Date.now()}-${deliveries}`;
  const body = options.body ?? JSON.stringify(payload);
  const signature = options.signature === undefined ? await sign(options.secret, body) : options.signature;
  const response = await fetch(`${serverUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      ...(signature !== null && { 'x-hub-signature-256': signature }),
    },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed, deliveryId };
}
