import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type ImageManifest, MediaTypes, type RegistryClient, sha256Digest } from '@deployer/registry';
import { tarWithFile } from './image.js';

export interface BuildahLayer {
  bytes: Buffer;
  diffId: string;
}

/** A gzipped one-file layer; pass the same layer to several images to make them share a blob. */
export function buildahLayer(name: string, size = 200): BuildahLayer {
  const tar = tarWithFile(name, randomBytes(size));
  return { bytes: gzipSync(tar), diffId: sha256Digest(tar) };
}

export interface BuildahCacheImageInput {
  layers: BuildahLayer[];
  /** The config's `created`; absent when undefined. */
  created?: string;
  mediaTypes?: 'oci' | 'docker';
  /** Default: 64 random hex digits, the shape of buildah's cache keys. */
  tag?: string;
}

export interface PushedCacheImage {
  tag: string;
  digest: string;
  /** digest → size of the config and every layer. */
  blobs: Map<string, number>;
}

/** A cache key as buildah tags cache images with: 64 hex digits. */
export const cacheKey = (seed: string = randomBytes(8).toString('hex')): string =>
  createHash('sha256').update(seed).digest('hex');

/**
 * Pushes one image as `buildah build --layers --cache-to <repository>` does for every cached step: an
 * ordinary image manifest (OCI or Docker v2) tagged with the step's cache key, whose config records
 * `created`.
 */
export async function pushBuildahCacheImage(
  client: RegistryClient,
  repository: string,
  input: BuildahCacheImageInput,
): Promise<PushedCacheImage> {
  const docker = input.mediaTypes === 'docker';
  const blobs = new Map<string, number>();
  const layers = [];
  for (const layer of input.layers) {
    const uploaded = await client.uploadBlob(repository, layer.bytes);
    blobs.set(uploaded.digest, uploaded.size);
    layers.push({
      mediaType: docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip,
      digest: uploaded.digest,
      size: uploaded.size,
    });
  }
  const config = await client.uploadBlob(
    repository,
    Buffer.from(
      JSON.stringify({
        ...(input.created !== undefined && { created: input.created }),
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: { 'io.buildah.version': '1.28.2' } },
        rootfs: { type: 'layers', diff_ids: input.layers.map((layer) => layer.diffId) },
      }),
    ),
  );
  blobs.set(config.digest, config.size);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest,
    config: {
      mediaType: docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig,
      digest: config.digest,
      size: config.size,
    },
    layers,
  };
  const tag = input.tag ?? cacheKey();
  const put = await client.putManifest(repository, tag, manifest);
  return { tag, digest: put.digest, blobs };
}

/** Distinct blob bytes over several pushed images. */
export function distinctBytes(images: readonly PushedCacheImage[]): number {
  const all = new Map<string, number>();
  for (const image of images) for (const [digest, size] of image.blobs) all.set(digest, size);
  return [...all.values()].reduce((sum, size) => sum + size, 0);
}

/** Every repository of the catalog with its sorted tags (empty for emptied repositories). */
export async function snapshotRegistry(client: RegistryClient): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const repository of await client.listCatalog()) {
    snapshot[repository] = (await client.listTags(repository)).sort();
  }
  return snapshot;
}
