import { verify } from '@octokit/webhooks-methods';
import { WebhookError } from './webhook-error.js';

/** GitHub's own cap is 25 MB; pull_request and push payloads stay far below a mebibyte. */
export const defaultWebhookMaxBytes = 1024 * 1024;

export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyDeliveryOptions {
  /** The request headers (any case). */
  headers: WebhookHeaders;
  /** The body exactly as received: the signature covers these bytes. */
  rawBody: Uint8Array;
  /** The webhook secret (DEPLOYER_WEBHOOK_SECRET). */
  secret: string;
  /** Default defaultWebhookMaxBytes (1 MiB). */
  maxBytes?: number;
}

/** A delivery whose signature matched. */
export interface VerifiedDelivery {
  deliveryId: string;
  event: string;
  action?: string;
  payload: Record<string, unknown>;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  let found: string | readonly string[] | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name.toLowerCase() && value !== undefined) {
      if (found !== undefined) return headerTwice(name);
      found = value;
    }
  }
  if (found === undefined || typeof found === 'string') return found;
  return found.length === 1 ? found[0] : headerTwice(name);
}

function headerTwice(name: string): never {
  const status = name === 'X-Hub-Signature-256' ? 401 : 400;
  throw new WebhookError(
    status,
    status === 401 ? 'INVALID_SIGNATURE' : 'INVALID_HEADER',
    `${name}: must appear once`,
  );
}

const signaturePattern = /^sha256=[0-9a-f]{64}$/;
const deliveryIdPattern = /^[A-Za-z0-9._-]{1,128}$/;
const eventPattern = /^[a-z_]{1,64}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Every string of the payload with NUL (`\u0000`, valid JSON) made U+FFFD: Postgres text and jsonb
 * cannot hold NUL, so a title carrying one would fail the delivery's transaction. Replaced rather than
 * dropped, so two distinct values never become one (`refs/heads/main\u0000` is not the default branch).
 */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/**
 * Checks a GitHub webhook request in the order that keeps unauthenticated input away: the size (413), the
 * `X-Hub-Signature-256` HMAC over the raw bytes with `@octokit/webhooks-methods` `verify` (constant-time,
 * sha256 only: the legacy sha1 `X-Hub-Signature` alone is 401), then the body as a JSON object (its
 * strings without NUL) and the `X-GitHub-Event` / `X-GitHub-Delivery` headers (400). Throws WebhookError.
 */
export async function verifyDelivery(options: VerifyDeliveryOptions): Promise<VerifiedDelivery> {
  const { headers, rawBody, secret } = options;
  const maxBytes = options.maxBytes ?? defaultWebhookMaxBytes;
  if (secret === '') throw new TypeError('verifyDelivery: the webhook secret is empty');
  if (rawBody.byteLength > maxBytes) {
    throw new WebhookError(
      413,
      'BODY_TOO_LARGE',
      `request body: ${rawBody.byteLength} bytes is over the limit of ${maxBytes} bytes`,
    );
  }
  const signature = header(headers, 'X-Hub-Signature-256');
  if (signature === undefined) {
    const legacy = header(headers, 'X-Hub-Signature') !== undefined;
    throw new WebhookError(
      401,
      'MISSING_SIGNATURE',
      legacy
        ? 'X-Hub-Signature-256: missing; the legacy sha1 X-Hub-Signature is not accepted (set a webhook secret so GitHub sends sha256)'
        : 'X-Hub-Signature-256: missing; deliveries must be signed with the webhook secret',
    );
  }
  if (!signaturePattern.test(signature)) {
    throw new WebhookError(
      401,
      'INVALID_SIGNATURE',
      'X-Hub-Signature-256: must be sha256=<64 lower-case hex digits>',
    );
  }
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    // GitHub signs UTF-8 JSON; bytes that are not UTF-8 cannot carry its signature.
    throw new WebhookError(
      401,
      'SIGNATURE_MISMATCH',
      'X-Hub-Signature-256: does not match the body (not UTF-8)',
    );
  }
  if (text === '' || !(await verify(secret, text, signature))) {
    throw new WebhookError(
      401,
      'SIGNATURE_MISMATCH',
      'X-Hub-Signature-256: does not match the body signed with the webhook secret',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text, withoutNul);
  } catch (error) {
    throw new WebhookError(400, 'INVALID_BODY', `request body: is not JSON (${(error as Error).message})`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new WebhookError(400, 'INVALID_BODY', 'request body: must be a JSON object');
  }
  const event = header(headers, 'X-GitHub-Event');
  if (event === undefined || !eventPattern.test(event)) {
    throw new WebhookError(
      400,
      'INVALID_HEADER',
      `X-GitHub-Event: ${event === undefined ? 'missing' : `${JSON.stringify(event)} is not an event name`} (lower-case letters and _)`,
    );
  }
  const deliveryId = header(headers, 'X-GitHub-Delivery');
  if (deliveryId === undefined || !deliveryIdPattern.test(deliveryId)) {
    throw new WebhookError(
      400,
      'INVALID_HEADER',
      `X-GitHub-Delivery: ${deliveryId === undefined ? 'missing' : `${JSON.stringify(deliveryId)} is malformed`} (a GUID: 1 to 128 letters, digits, ., _ or -)`,
    );
  }
  const action = (payload as { action?: unknown }).action;
  return {
    deliveryId,
    event,
    ...(typeof action === 'string' ? { action } : {}),
    payload: payload as Record<string, unknown>,
  };
}
