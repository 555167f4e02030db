import type { IncomingHttpHeaders } from 'node:http';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { defaultWebhookMaxBytes, verifyDelivery, WebhookError } from '../src/index.js';
import { example, secret, sha1Signature, signedRequest } from './helpers/deliveries.js';

async function refusal(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return error as WebhookError;
}

const opened = example('pull_request', 'opened');
const body = JSON.stringify(opened, null, 2);

describe('verifyDelivery', () => {
  it('accepts a delivery signed with the secret and returns its id, event, action and payload', async () => {
    const request = await signedRequest('pull_request', body, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    // The headers as Node's HTTP server (and Fastify) hands them over.
    const headers: IncomingHttpHeaders = request.headers;
    expect(await verifyDelivery({ headers, rawBody: request.rawBody, secret })).toEqual({
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      event: 'pull_request',
      action: 'opened',
      payload: opened,
    });
  });

  it('reads headers in any case and leaves action out when the payload has none', async () => {
    const ping = JSON.stringify(example('ping'));
    const { headers, rawBody } = await signedRequest('ping', ping);
    const mixed = Object.fromEntries(
      Object.entries(headers).map(([key, value]) => [
        key.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()),
        value,
      ]),
    );
    const delivery = await verifyDelivery({ headers: mixed, rawBody, secret });
    expect(delivery.event).toBe('ping');
    expect('action' in delivery).toBe(false);
  });

  it('refuses a missing signature (401)', async () => {
    const { headers, rawBody } = await signedRequest('pull_request', body);
    delete headers['x-hub-signature-256'];
    const error = await refusal(verifyDelivery({ headers, rawBody, secret }));
    expect([error.status, error.code]).toEqual([401, 'MISSING_SIGNATURE']);
    expect(error.message).toContain('X-Hub-Signature-256: missing');
  });

  it('refuses a signature made with another secret (401)', async () => {
    const { headers, rawBody } = await signedRequest('pull_request', body);
    headers['x-hub-signature-256'] = await sign('another secret', body);
    const error = await refusal(verifyDelivery({ headers, rawBody, secret }));
    expect([error.status, error.code]).toEqual([401, 'SIGNATURE_MISMATCH']);
    expect(error.message).toContain('X-Hub-Signature-256: does not match');
  });

  it('refuses a body changed after signing, by one byte (401)', async () => {
    const { headers } = await signedRequest('pull_request', body);
    const changed = Buffer.from(body.replace('"opened"', '"closed"'));
    expect(changed.length).toBe(Buffer.byteLength(body));
    const error = await refusal(verifyDelivery({ headers, rawBody: changed, secret }));
    expect([error.status, error.code]).toEqual([401, 'SIGNATURE_MISMATCH']);
  });

  it('refuses the legacy sha1 X-Hub-Signature alone, even when it is right (401)', async () => {
    const { headers, rawBody } = await signedRequest('pull_request', body);
    delete headers['x-hub-signature-256'];
    headers['x-hub-signature'] = sha1Signature(body);
    const error = await refusal(verifyDelivery({ headers, rawBody, secret }));
    expect([error.status, error.code]).toEqual([401, 'MISSING_SIGNATURE']);
    expect(error.message).toContain('legacy sha1 X-Hub-Signature is not accepted');
  });

  it('refuses a sha1 signature in the sha256 header and a header sent twice (401)', async () => {
    const { headers, rawBody } = await signedRequest('pull_request', body);
    const sha1 = await refusal(
      verifyDelivery({
        headers: { ...headers, 'x-hub-signature-256': sha1Signature(body) },
        rawBody,
        secret,
      }),
    );
    expect([sha1.status, sha1.code]).toEqual([401, 'INVALID_SIGNATURE']);
    expect(sha1.message).toContain('must be sha256=');
    const signature = headers['x-hub-signature-256']!;
    const twice = await refusal(
      verifyDelivery({
        headers: { ...headers, 'x-hub-signature-256': [signature, signature] },
        rawBody,
        secret,
      }),
    );
    expect([twice.status, twice.message]).toEqual([401, 'X-Hub-Signature-256: must appear once']);
  });

  it('refuses bytes that are not UTF-8 as unsigned (401)', async () => {
    const { headers } = await signedRequest('pull_request', body);
    const error = await refusal(
      verifyDelivery({ headers, rawBody: Buffer.from([0x7b, 0xff, 0x7d]), secret }),
    );
    expect(error.status).toBe(401);
  });

  it('refuses a signed body that is not JSON, or not an object (400)', async () => {
    const broken = await refusal(
      verifyDelivery({ ...(await signedRequest('pull_request', '{"action": ')), secret }),
    );
    expect([broken.status, broken.code]).toEqual([400, 'INVALID_BODY']);
    expect(broken.message).toMatch(/^request body: is not JSON/);
    const array = await refusal(verifyDelivery({ ...(await signedRequest('pull_request', '[1]')), secret }));
    expect([array.status, array.message]).toEqual([400, 'request body: must be a JSON object']);
  });

  it('refuses a body over the limit before looking at it (413), and takes one exactly at it', async () => {
    const request = await signedRequest('pull_request', body);
    const size = request.rawBody.length;
    expect((await verifyDelivery({ ...request, secret, maxBytes: size })).action).toBe('opened');
    const error = await refusal(verifyDelivery({ ...request, secret, maxBytes: size - 1 }));
    expect([error.status, error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    expect(error.message).toBe(`request body: ${size} bytes is over the limit of ${size - 1} bytes`);
    const huge = await refusal(
      verifyDelivery({ headers: {}, rawBody: Buffer.alloc(defaultWebhookMaxBytes + 1, 0x20), secret }),
    );
    expect(huge.status).toBe(413);
  });

  it('requires X-GitHub-Event and X-GitHub-Delivery on a signed delivery (400)', async () => {
    for (const name of ['x-github-event', 'x-github-delivery']) {
      const { headers, rawBody } = await signedRequest('pull_request', body);
      delete headers[name];
      const error = await refusal(verifyDelivery({ headers, rawBody, secret }));
      expect([error.status, error.code]).toEqual([400, 'INVALID_HEADER']);
      expect(error.message).toMatch(
        name === 'x-github-event' ? /^X-GitHub-Event: missing/ : /^X-GitHub-Delivery: missing/,
      );
    }
    const { headers, rawBody } = await signedRequest('pull_request', body, 'not a guid');
    const error = await refusal(verifyDelivery({ headers, rawBody, secret }));
    expect(error.message).toContain('X-GitHub-Delivery: "not a guid" is malformed');
  });
});
