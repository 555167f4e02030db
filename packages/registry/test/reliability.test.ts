import { startLocalRegistry } from '@deployer/local-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryError } from '../src/index.js';
import { type FlakyProxy, startFlakyProxy } from './helpers/flaky-proxy.js';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();
let proxy: FlakyProxy;

beforeAll(async () => {
  proxy = await startFlakyProxy(registry().host);
  await pushImage(clientFor(registry()).client, 'rel/app', 'v1');
});
afterAll(() => proxy?.close());

function proxied(options: { timeoutMs?: number; retries?: number; attempts?: number } = {}) {
  const statuses: (number | string)[] = [];
  const client = new RegistryClient({
    host: proxy.host,
    credentials: 'anonymous',
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: {
      ...(options.attempts === undefined
        ? { retries: options.retries ?? 3 }
        : { attempts: options.attempts }),
      baseDelayMs: 10,
      maxDelayMs: 50,
    },
    onRequest: (e) => statuses.push(e.status ?? e.error ?? '?'),
  });
  return { client, statuses };
}

describe('retries and failures', () => {
  it('a registry stopped mid-test yields a CONNECTION error after the retries, not a hang', async () => {
    const own = await startLocalRegistry();
    const { client, events } = clientFor(own, { retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 50 } });
    await pushImage(client, 'doomed/app', 'v1', { layers: 1 });
    await own.stop();
    const started = Date.now();
    const error = await client.getManifest('doomed/app', 'v1').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'CONNECTION', operation: 'manifest.get' });
    expect((error as RegistryError).status).toBeUndefined();
    const attempts = events.filter((e) => e.operation === 'manifest.get');
    expect(attempts.map((e) => e.error)).toEqual(['CONNECTION', 'CONNECTION', 'CONNECTION']);
  });

  it('does not retry non-idempotent requests (blob mount POST)', async () => {
    const own = await startLocalRegistry();
    const { client, events } = clientFor(own);
    await own.stop();
    await expect(client.mountBlob('x/y', `sha256:${'3'.repeat(64)}`, 'x/z')).rejects.toMatchObject({
      code: 'CONNECTION',
    });
    expect(events).toHaveLength(1);
  });

  it('retries 503 and 429 (honouring Retry-After) on reads, then succeeds', async () => {
    const { client, statuses } = proxied();
    proxy.faults.push({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const head = await client.headManifest('rel/app', 'v1');
    expect(head?.digest).toMatch(/^sha256:/);
    expect(statuses).toEqual([503, 429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retries with TOOMANYREQUESTS and the status', async () => {
    const { client, statuses } = proxied({ retries: 1 });
    proxy.faults.push({ status: 429 }, { status: 429 });
    const error = await client.getManifest('rel/app', 'v1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOOMANYREQUESTS', status: 429, operation: 'manifest.get' });
    expect(statuses).toEqual([429, 429]);
  });

  it('runs a request `attempts` times in all, the first included', async () => {
    const { client, statuses } = proxied({ attempts: 3 });
    proxy.faults.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const error = await client.getManifest('rel/app', 'v1').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, operation: 'manifest.get' });
    expect(statuses).toEqual([503, 503, 503]);
    proxy.faults.length = 0;
  });

  it('does not wait for a Retry-After beyond the limit', async () => {
    const { client, statuses } = proxied();
    proxy.faults.push({ status: 429, headers: { 'retry-after': '3600' } });
    await expect(client.getManifest('rel/app', 'v1')).rejects.toMatchObject({ code: 'TOOMANYREQUESTS' });
    expect(statuses).toEqual([429]);
  });

  it('does not retry a 5xx on a POST', async () => {
    const { client, statuses } = proxied();
    proxy.faults.push('pass', { status: 503 }); // the HEAD goes through, the POST fails
    await expect(client.uploadBlob('rel/app', Buffer.from('new blob via post'))).rejects.toMatchObject({
      status: 503,
      operation: 'blob.upload',
    });
    expect(statuses).toEqual([404, 503]);
  });

  it('retries a dropped connection', async () => {
    const { client, statuses } = proxied();
    proxy.faults.push('reset');
    expect(await client.resolveTag('rel/app', 'v1')).toMatch(/^sha256:/);
    expect(statuses).toEqual(['CONNECTION', 200]);
  });

  it('times out a hanging request per attempt and reports TIMEOUT', async () => {
    const { client, statuses } = proxied({ timeoutMs: 200, retries: 1 });
    proxy.faults.push('hang', 'hang');
    const started = Date.now();
    await expect(client.getManifest('rel/app', 'v1')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(statuses).toEqual(['TIMEOUT', 'TIMEOUT']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const { client, statuses } = proxied({ timeoutMs: 10_000 });
    proxy.faults.push('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(client.getManifest('rel/app', 'v1', { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(statuses).toEqual(['ABORTED']);
  });
});
