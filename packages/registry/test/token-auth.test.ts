import { setTimeout as sleep } from 'node:timers/promises';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../src/index.js';
import { tempDir } from './helpers/fs.js';
import { pushImage } from './helpers/image.js';
import { clientFor } from './helpers/registry.js';
import { startTokenServer, type TokenServer } from './helpers/token-server.js';

const ADMIN_PW = 'admin-secret-pw-9d1';
const READER_PW = 'reader-secret-pw-4c7';
let tokens: TokenServer;
let registry: LocalRegistry;

beforeAll(async () => {
  const dir = await tempDir('registry-token-');
  tokens = await startTokenServer(
    dir,
    {
      admin: { password: ADMIN_PW, actions: ['pull', 'push', 'delete'] },
      reader: { password: READER_PW, actions: ['pull'] },
    },
    { 'identity-token-abc123': 'admin' },
  );
  registry = await startLocalRegistry({
    token: {
      realm: tokens.realm,
      service: tokens.service,
      issuer: tokens.issuer,
      rootCertBundle: tokens.certPath,
    },
  });
});
afterAll(async () => {
  await registry?.stop();
  await tokens?.close();
});

const admin = () =>
  clientFor(registry, { credentials: { kind: 'basic', username: 'admin', password: ADMIN_PW } });
const reader = () =>
  clientFor(registry, { credentials: { kind: 'basic', username: 'reader', password: READER_PW } });

describe('bearer token auth', () => {
  it('gets tokens from the challenge realm and caches them per scope', async () => {
    tokens.requests.length = 0;
    const { client, events } = admin();
    const image = await pushImage(client, 'team/app', 'v1', { layers: 2 });
    expect(await client.resolveTag('team/app', 'v1')).toBe(image.digest);
    expect(await client.resolveTag('team/app', 'v1')).toBe(image.digest);
    // One token for pull (blob HEADs, manifest HEAD) and one for pull,push: not one per request.
    expect(tokens.requests.length).toBeLessThanOrEqual(3);
    expect(tokens.requests.every((r) => r.account === 'admin')).toBe(true);
    expect(tokens.requests.some((r) => r.scopes.includes('repository:team/app:pull,push'))).toBe(true);
    expect(events.filter((e) => e.status === 401).length).toBe(tokens.requests.length);
  });

  it('shares one token fetch between parallel requests challenged together', async () => {
    await pushImage(admin().client, 'team/parallel', 'v1', { layers: 1 });
    const { client } = admin();
    const before = tokens.requests.length;
    const digests = await Promise.all(
      Array.from({ length: 8 }, () => client.resolveTag('team/parallel', 'v1')),
    );
    expect(new Set(digests).size).toBe(1);
    expect(tokens.requests.length - before).toBe(1);
  });

  it('lets a pull-only token read but not delete', async () => {
    const { client: writer } = admin();
    const image = await pushImage(writer, 'team/locked', 'v1');
    const { client } = reader();
    expect(await client.resolveTag('team/locked', 'v1')).toBe(image.digest);
    const error = await client.deleteManifest('team/locked', image.digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(['DENIED', 'UNAUTHORIZED']).toContain((error as RegistryError).code);
    expect((error as RegistryError).status).toBeOneOf([401, 403]);
    expect(await writer.resolveTag('team/locked', 'v1')).toBe(image.digest);
  });

  it('deletes with a token that grants delete', async () => {
    const { client } = admin();
    const image = await pushImage(client, 'team/gone', 'v1');
    await client.deleteManifest('team/gone', image.digest);
    expect(await client.headManifest('team/gone', image.digest)).toBeUndefined();
  });

  it('lists the catalog with a registry:catalog:* token', async () => {
    const { client } = admin();
    expect(await client.listCatalog()).toEqual(expect.arrayContaining(['team/app', 'team/locked']));
  });

  it('refreshes a cached token that the registry refuses (401)', async () => {
    await pushImage(admin().client, 'team/refresh', 'v1', { layers: 1 });
    const { client, events } = admin();
    // Tokens now claim a long life but the JWT itself dies within ~2 s: distribution accepts `exp` up to
    // 60 s in the past (clock-skew leeway), so exp = now − 58 s is valid now and refused 2 s later.
    tokens.settings.jwtLifetimeSeconds = -58;
    tokens.settings.expiresIn = 3600;
    try {
      await client.resolveTag('team/refresh', 'v1'); // fetches the short-lived pull token
      await sleep(2_500);
      const before = tokens.requests.length;
      const mark = events.length;
      await client.resolveTag('team/refresh', 'v1');
      expect(tokens.requests.length).toBe(before + 1);
      expect(events.slice(mark).map((e) => `${e.operation}:${e.status}`)).toEqual([
        'manifest.head:401',
        'token:200',
        'manifest.head:200',
      ]);
    } finally {
      tokens.settings.jwtLifetimeSeconds = 300;
      tokens.settings.expiresIn = 300;
    }
  });

  it('exchanges an identity token with the refresh_token grant', async () => {
    const { client: writer } = admin();
    const image = await pushImage(writer, 'team/idt', 'v1');
    const { client } = clientFor(registry, {
      credentials: { kind: 'identity-token', identityToken: 'identity-token-abc123' },
    });
    await client.deleteManifest('team/idt', image.digest);
    expect(await writer.headManifest('team/idt', 'v1')).toBeUndefined();
    const bad = clientFor(registry, {
      credentials: { kind: 'identity-token', identityToken: 'revoked-token-x' },
    });
    const error = await bad.client.listTags('team/app').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', operation: 'token' });
    expect(`${String(error)}${JSON.stringify(error)}`).not.toContain('revoked-token-x');
  });

  it('reports a refused login without the password', async () => {
    const { client } = clientFor(registry, {
      credentials: { kind: 'basic', username: 'admin', password: 'not-the-admin-pw-77' },
    });
    const error = await client.listTags('team/app').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, operation: 'token' });
    const rendered = `${String(error)}\n${JSON.stringify(error)}\n${(error as Error).stack}`;
    expect(rendered).not.toContain('not-the-admin-pw-77');
    expect(rendered).not.toContain(Buffer.from('admin:not-the-admin-pw-77').toString('base64'));
  });
});
