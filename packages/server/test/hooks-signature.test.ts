import { createHmac } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { hookHeaders } from '../src/hooks/deliver-hook.js';
import type { HookPayload } from '../src/hooks/hook-payload.js';
import { retryAfterMs } from '../src/hooks/post-hook.js';

const secret = 'a hook secret of enough length';
const payload: HookPayload = {
  event: 'built',
  deliveryId: '0b7c5b84-3c4f-4a39-9d6e-2d1d2f1a9c11',
  repository: 'acme/shop',
  pullRequest: 12,
  branch: 'checkout-v2',
  sha: 'a'.repeat(40),
  buildUuid: 'pr-12-abc',
  services: [{ name: 'web', status: 'built', image: 'registry.test/web:c0ffee', digest: null }],
};

describe('X-Deployer-Signature-256', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body>, as GitHub signs, and breaks on any change', async () => {
    const body = JSON.stringify({ ...payload, branch: 'näive ✓' });
    const headers = await hookHeaders(payload, body, secret);
    expect(headers['X-Deployer-Signature-256']).toBe(
      `sha256=${createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex')}`,
    );
    expect(await verify(secret, body, headers['X-Deployer-Signature-256'])).toBe(true);
    expect(await verify(secret, body.replace('12', '13'), headers['X-Deployer-Signature-256'])).toBe(false);
    expect(await verify(`${secret}!`, body, headers['X-Deployer-Signature-256'])).toBe(false);
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'User-Agent': 'deployer-hooks',
      'X-Deployer-Event': 'built',
      'X-Deployer-Delivery': payload.deliveryId,
    });
    expect(JSON.stringify(headers)).not.toContain(secret);
  });
});

describe('Retry-After', () => {
  it('is obeyed in seconds or as an HTTP date, within the cap', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryAfterMs('3', 60_000, now)).toBe(3000);
    expect(retryAfterMs('0', 60_000, now)).toBe(0);
    expect(retryAfterMs('3600', 60_000, now)).toBe(60_000);
    expect(retryAfterMs('Tue, 01 Jan 2030 00:00:05 GMT', 60_000, now)).toBe(5000);
    expect(retryAfterMs('Mon, 31 Dec 2029 00:00:00 GMT', 60_000, now)).toBe(0);
    expect(retryAfterMs('soon', 60_000, now)).toBeUndefined();
    expect(retryAfterMs(undefined, 60_000, now)).toBeUndefined();
  });
});
