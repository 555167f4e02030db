import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type ImageManifest, MediaTypes, type RegistryClient, sha256Digest } from '../../src/index.js';

/** A one-file ustar archive: enough for a real, extractable image layer. */
export function tarWithFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  header.write(name, 0, 100);
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(content.length, 12), 124);
  header.write(octal(0, 12), 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\u000000', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${octal(sum, 7)}\u0000`, 148);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

export interface PushedImage {
  digest: string;
  manifest: ImageManifest;
  configDigest: string;
  layerDigests: string[];
}

/**
 * What pushing needs of a client. Structural, so that @deployer/registry-cache's tests can pass the built
 * package's RegistryClient (a class with private state is its own type per declaration).
 */
export type PushingClient = Pick<RegistryClient, 'uploadBlob' | 'putManifest'>;

/** Pushes a small linux/amd64 image with `layers` random layers through the client under test. */
export async function pushImage(
  client: PushingClient,
  repository: string,
  tag: string,
  options: { layers?: number; mediaTypes?: 'oci' | 'docker' } = {},
): Promise<PushedImage> {
  const docker = options.mediaTypes === 'docker';
  const layers: { digest: string; size: number; diffId: string }[] = [];
  for (let i = 0; i < (options.layers ?? 2); i++) {
    const tar = tarWithFile(`file-${i}.bin`, randomBytes(256));
    const gz = gzipSync(tar);
    const uploaded = await client.uploadBlob(repository, gz);
    layers.push({ digest: uploaded.digest, size: uploaded.size, diffId: sha256Digest(tar) });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-02T03:04:05Z',
      config: { Env: ['PATH=/bin'], Labels: { 'org.example.test': tag } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const configBlob = await client.uploadBlob(repository, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest,
    config: {
      mediaType: docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig,
      digest: configBlob.digest,
      size: configBlob.size,
    },
    layers: layers.map((l) => ({
      mediaType: docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip,
      digest: l.digest,
      size: l.size,
    })),
  };
  const put = await client.putManifest(repository, tag, manifest);
  return {
    digest: put.digest,
    manifest,
    configDigest: configBlob.digest,
    layerDigests: layers.map((l) => l.digest),
  };
}
