import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../src/auth/challenge.js';
import { TokenCache } from '../src/auth/token-cache.js';
import { isLoopbackHost } from '../src/client.js';
import { parseRetryAfter, resolveRetryOptions } from '../src/http/retry-policy.js';
import { mapLimit, RegistryError, resolveDockerCredentials } from '../src/index.js';
import { nextLink } from '../src/tags/tags.js';
import { tempDir, writeCredentialHelper } from './helpers/fs.js';

describe('parseChallenge', () => {
  it('reads bearer parameters, including quoted commas', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:a/b:pull,push',
      },
    });
  });

  it('reads basic challenges, bare tokens and escapes', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
    expect(
      parseChallenge('Bearer realm=https://x/token, error="insufficient_scope", x="a\\"b"')?.params,
    ).toEqual({
      realm: 'https://x/token',
      error: 'insufficient_scope',
      x: 'a"b',
    });
    expect(parseChallenge('')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe('retry policy', () => {
  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('counts attempts in all, the first included; the older `retries` is attempts − 1', () => {
    expect(resolveRetryOptions().attempts).toBe(4);
    expect(resolveRetryOptions({ retries: 1 }).attempts).toBe(2);
    expect(resolveRetryOptions({ retries: 0 }).attempts).toBe(1);
    expect(resolveRetryOptions({ attempts: 2, retries: 5 }).attempts).toBe(2);
  });
});

describe('nextLink', () => {
  it('resolves the rel="next" target against the request URL', () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"', 'http://r:5000/v2/_catalog?n=2')).toBe(
      'http://r:5000/v2/_catalog?last=b&n=2',
    );
    expect(nextLink('<https://x/prev>; rel="prev", <https://x/next?last=z>; rel="next"', 'https://x/')).toBe(
      'https://x/next?last=z',
    );
    expect(nextLink(null, 'http://r/')).toBeUndefined();
  });
});

describe('TokenCache', () => {
  it('expires tokens before the server does', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    const key = TokenCache.key('https://auth/token', 'svc', ['repository:a:pull']);
    cache.set(key, 'tok', 60);
    now = 50_000;
    expect(cache.get(key)).toBe('tok');
    now = 55_000; // inside the 10 % safety margin
    expect(cache.get(key)).toBeUndefined();
    expect(TokenCache.key('r', 's', ['b', 'a'])).toBe(TokenCache.key('r', 's', ['a', 'b']));
  });
});

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps order', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (n % 3)));
      running--;
      return n * 2;
    });
    expect(result).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  it('rejects with the first error and starts nothing new after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});

describe('isLoopbackHost', () => {
  it('treats localhost and 127/8 and ::1 as loopback', () => {
    expect(['localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['ghcr.io', '10.0.0.1:5000', 'registry.local:5000'].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('RegistryError', () => {
  it('serialises its fields', () => {
    const error = new RegistryError('x', {
      code: 'DENIED',
      status: 403,
      operation: 'manifest.delete',
      ref: 'r/a@sha256:1',
    });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: 'DENIED',
      status: 403,
      operation: 'manifest.delete',
    });
    expect(error).toBeInstanceOf(Error);
  });
});

describe('resolveDockerCredentials', async () => {
  const dir = await tempDir('docker-config-');
  const write = async (name: string, config: unknown) => {
    const configDir = join(dir, name);
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'config.json'), JSON.stringify(config));
    return { DOCKER_CONFIG: configDir, PATH: `${join(dir, 'bin')}:${process.env.PATH}` };
  };

  it('reads username/password and identitytoken entries, matching keys by hostname', async () => {
    const env = await write('auths', {
      auths: {
        'https://reg.example.com/v1/': { username: 'u', password: 'p' },
        'ghcr.io': { identitytoken: 'refresh-me' },
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
      },
    });
    expect(await resolveDockerCredentials('reg.example.com', { env })).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(await resolveDockerCredentials('ghcr.io', { env })).toEqual({
      kind: 'identity-token',
      identityToken: 'refresh-me',
    });
    expect(await resolveDockerCredentials('docker.io', { env })).toEqual({
      kind: 'basic',
      username: 'hub',
      password: 'pw:with:colons',
    });
    expect(await resolveDockerCredentials('other.example.com', { env })).toBeUndefined();
  });

  it('uses credsStore, falls back to auths when the store has nothing, maps <token> to an identity token', async () => {
    await mkdir(join(dir, 'bin'), { recursive: true });
    await writeCredentialHelper(join(dir, 'bin'), 'store', {
      'tok.example.com': { Username: '<token>', Secret: 'idt' },
    });
    const env = await write('store', {
      credsStore: 'store',
      auths: { 'fallback.example.com': { auth: Buffer.from('f:g').toString('base64') } },
    });
    expect(await resolveDockerCredentials('tok.example.com', { env })).toEqual({
      kind: 'identity-token',
      identityToken: 'idt',
    });
    expect(await resolveDockerCredentials('fallback.example.com', { env })).toEqual({
      kind: 'basic',
      username: 'f',
      password: 'g',
    });
  });

  it('names a missing helper without running a shell', async () => {
    const env = await write('missing', { credHelpers: { 'x.example.com': 'does-not-exist' } });
    await expect(resolveDockerCredentials('x.example.com', { env })).rejects.toMatchObject({
      code: 'CREDENTIALS',
      message: 'docker-credential-does-not-exist get is not installed (not on PATH)',
    });
  });

  it('returns nothing when there is no config file', async () => {
    expect(await resolveDockerCredentials('x.example.com', { configDir: join(dir, 'nope') })).toBeUndefined();
  });
});
