import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { MediaTypes, RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// Images go to <repository>/<service>, the tag strategy's caches to <repository>/cache:cache-<service>-<uuid>.
// With a service named `cache`, `down --uuid cache-web-main` would delete image `shop/cache:cache-web-main`,
// which is main's cache of web. deployer refuses that spec, and `down` deletes only caches anyway.
let registry: LocalRegistry;
let client: RegistryClient;
let dir: string;

/** What BuildKit's registry cache export writes: an OCI index of layers plus its cache config. */
async function pushCache(repository: string, tag: string): Promise<string> {
  const layer = await client.uploadBlob(repository, Buffer.from(`layer of ${repository}:${tag}`));
  const config = await client.uploadBlob(repository, Buffer.from('{"layers":[],"records":[]}'));
  const head = await client.putManifest(repository, tag, {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [
      { mediaType: MediaTypes.ociLayerGzip, digest: layer.digest, size: layer.size },
      { mediaType: MediaTypes.buildkitCacheConfig, digest: config.digest, size: config.size },
    ],
  });
  return head.digest;
}

async function spec(name: string, services: string[]): Promise<string> {
  const file = join(dir, name);
  const lines = services.map((service) => `  ${service}: { context: web }`).join('\n');
  await writeFile(
    file,
    `registry: { host: ${registry.host}, repository: shop, insecure: true }\ncache: { strategy: tag }\nservices:\n${lines}\n`,
  );
  return file;
}

beforeAll(async () => {
  registry = await startLocalRegistry();
  client = new RegistryClient({ host: registry.host, insecure: true, credentials: 'anonymous' });
  dir = await mkdtemp(join(tmpdir(), 'deployer-crafted-uuid-'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'Dockerfile'), 'FROM scratch\n');
});
afterAll(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('deployer down --uuid cache-web-main', () => {
  it("never deletes main's cache of web", async () => {
    const mainWeb = await pushCache('shop/cache', 'cache-web-main');
    const mainWebPath = await pushCache('shop/cache/web/main', 'cache');
    const env = { DEPLOYER_INSECURE_REGISTRIES: registry.host };

    // A service named `cache` has its images in the cache repository: refused, nothing deleted.
    const refused = await runCli(
      ['down', '-f', await spec('with-cache-service.yaml', ['web', 'cache']), '--uuid', 'cache-web-main'],
      { env },
    );
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('services.cache');
    expect((await client.headManifest('shop/cache', 'cache-web-main'))?.digest).toBe(mainWeb);

    // Without it, the crafted environment's own refs are other refs than main's.
    const crafted = await pushCache('shop/cache', 'cache-web-cache-web-main');
    const done = await runCli(
      ['down', '-f', await spec('web-only.yaml', ['web']), '--uuid', 'cache-web-main', '--json'],
      { env },
    );
    expect(done.exitCode).toBe(0);
    expect(await client.headManifest('shop/cache', crafted)).toBeUndefined();
    expect((await client.headManifest('shop/cache', 'cache-web-main'))?.digest).toBe(mainWeb);
    expect((await client.headManifest('shop/cache/web/main', 'cache'))?.digest).toBe(mainWebPath);
  });
});
