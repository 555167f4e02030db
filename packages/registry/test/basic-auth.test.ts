import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError, resolveDockerCredentials } from '../src/index.js';
import { tempDir, writeCredentialHelper } from './helpers/fs.js';
import { pushImage } from './helpers/image.js';
import { clientFor } from './helpers/registry.js';

const PASSWORD = 'pa55-w0rd-that-must-not-leak';
const WRONG_PASSWORD = 'wrong-pa55-that-must-not-leak';
let registry: LocalRegistry;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('registry-basic-');
  // bcrypt: distribution 2.8 accepts nothing else in htpasswd files.
  const { stdout } = await execa('htpasswd', ['-Bbn', 'ci-bot', PASSWORD]);
  await writeFile(join(dir, 'htpasswd'), `${stdout}\n`);
  registry = await startLocalRegistry({ storageDir: join(dir, 'data'), htpasswdPath: join(dir, 'htpasswd') });
});
afterAll(() => registry?.stop());

function assertNoSecret(error: unknown, ...secrets: string[]) {
  const rendered = [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? '',
    JSON.stringify(error),
    JSON.stringify((error as Error).cause ?? null),
  ].join('\n');
  for (const secret of secrets) {
    expect(rendered).not.toContain(secret);
    expect(rendered).not.toContain(Buffer.from(`ci-bot:${secret}`).toString('base64'));
  }
}

describe('basic auth against an htpasswd registry', () => {
  it('pushes and reads with the right password', async () => {
    const { client } = clientFor(registry, {
      credentials: { kind: 'basic', username: 'ci-bot', password: PASSWORD },
    });
    const image = await pushImage(client, 'private/app', 'v1');
    expect(await client.resolveTag('private/app', 'v1')).toBe(image.digest);
  });

  it('sends credentials up front once the registry asked for basic auth', async () => {
    const { client, events } = clientFor(registry, {
      credentials: { kind: 'basic', username: 'ci-bot', password: PASSWORD },
    });
    await client.ping();
    const afterPing = events.length;
    await client.listTags('private/app');
    expect(events.slice(afterPing).map((e) => e.status)).toEqual([200]);
  });

  it('fails anonymously with UNAUTHORIZED', async () => {
    const { client } = clientFor(registry);
    await expect(client.listTags('private/app')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('fails with a wrong password without revealing it', async () => {
    const { client, events } = clientFor(registry, {
      credentials: { kind: 'basic', username: 'ci-bot', password: WRONG_PASSWORD },
    });
    const error = await client.getManifest('private/app', 'v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, operation: 'manifest.get' });
    assertNoSecret(error, WRONG_PASSWORD);
    expect(JSON.stringify(events)).not.toContain(WRONG_PASSWORD);
    // Anonymous try, then exactly one retry with the credentials: no retry loop on 401.
    expect(events.map((e) => e.status)).toEqual([401, 401]);
  });

  it('reads credentials from DOCKER_CONFIG (auths.auth)', async () => {
    const configDir = join(dir, 'docker-auths');
    await mkdir(configDir, { recursive: true });
    const auth = Buffer.from(`ci-bot:${PASSWORD}`).toString('base64');
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [`http://${registry.host}/v2/`]: { auth } } }),
    );
    const { client } = clientFor(registry, {
      credentials: 'docker-config',
      dockerConfig: { env: { DOCKER_CONFIG: configDir, PATH: process.env.PATH } },
    });
    expect((await client.listTags('private/app')).includes('v1')).toBe(true);
  });

  it('asks a credHelpers helper through the docker-credential protocol', async () => {
    const binDir = join(dir, 'bin');
    const configDir = join(dir, 'docker-helper');
    await mkdir(binDir, { recursive: true });
    await mkdir(configDir, { recursive: true });
    await writeCredentialHelper(binDir, 'fake', {
      [registry.host]: { Username: 'ci-bot', Secret: PASSWORD },
    });
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ credHelpers: { [registry.host]: 'fake' } }),
    );
    const env = { DOCKER_CONFIG: configDir, PATH: `${binDir}:${process.env.PATH}` };
    expect(await resolveDockerCredentials(registry.host, { env })).toEqual({
      kind: 'basic',
      username: 'ci-bot',
      password: PASSWORD,
    });
    const { client } = clientFor(registry, { credentials: 'docker-config', dockerConfig: { env } });
    expect(await client.listTags('private/app')).toContain('v1');
  });

  it('reports a broken credential helper without its output', async () => {
    const binDir = join(dir, 'bin-broken');
    const configDir = join(dir, 'docker-broken');
    await mkdir(binDir, { recursive: true });
    await mkdir(configDir, { recursive: true });
    await writeCredentialHelper(
      binDir,
      'broken',
      { [registry.host]: { Username: 'ci-bot', Secret: PASSWORD } },
      { failWith: 3 },
    );
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ credsStore: 'broken' }));
    const { client } = clientFor(registry, {
      credentials: 'docker-config',
      dockerConfig: { env: { DOCKER_CONFIG: configDir, PATH: `${binDir}:${process.env.PATH}` } },
    });
    const error = await client.listTags('private/app').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CREDENTIALS', operation: 'credential-helper' });
    expect((error as Error).message).toContain('docker-credential-broken get exited with code 3');
    assertNoSecret(error, PASSWORD);
  });
});
