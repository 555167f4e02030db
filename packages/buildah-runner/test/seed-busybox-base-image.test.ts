import { existsSync } from 'node:fs';
import { startLocalRegistry } from '@deployer/local-registry';
import { describe, expect, it } from 'vitest';
import { SeedBaseImageError, seedBusyboxBaseImage } from '../src/index.js';

const missing = [
  ['/usr/bin/buildah', 'buildah'],
  ['/bin/busybox', 'busybox-static'],
].filter(([path]) => !existsSync(path as string));

const manifestTypes = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

describe.skipIf(missing.length > 0)('seedBusyboxBaseImage', () => {
  it('pushes a busybox base image whose digest the registry serves for its ref', async () => {
    const registry = await startLocalRegistry();
    try {
      const seeded = await seedBusyboxBaseImage({ registry: registry.host, image: 'base/busybox:seed-test' });
      expect(seeded.ref).toBe(`${registry.host}/base/busybox:seed-test`);
      expect(seeded.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const response = await fetch(`${registry.url}/v2/base/busybox/manifests/seed-test`, {
        method: 'HEAD',
        headers: { accept: manifestTypes },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('docker-content-digest')).toBe(seeded.digest);
    } finally {
      await registry.stop();
    }
  }, 60_000);

  it('fails with SEED_FAILED naming the ref and the buildah command when buildah fails', async () => {
    const failure = await seedBusyboxBaseImage({
      registry: '127.0.0.1:1',
      image: 'base/busybox:never',
      buildahPath: '/bin/false',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SeedBaseImageError);
    expect((failure as SeedBaseImageError).code).toBe('SEED_FAILED');
    expect((failure as SeedBaseImageError).message).toContain(
      'seeding 127.0.0.1:1/base/busybox:never: buildah from failed',
    );
  });
});
