import type { StoredManifest } from './stored-manifest.js';

/**
 * Why a cache ref was not seeded from another: the source is absent; it holds no BuildKit cache (an image
 * at a cache-shaped ref); the registry answered a cross-repository mount with 202 (it does not mount, e.g.
 * a proxy or a registry that refuses mounts across repositories); a blob the source references is gone
 * from its repository (a corrupt source: heal it).
 */
export type CacheSeedRefusal = 'source-absent' | 'not-a-cache' | 'mount-refused' | 'source-corrupt';

/**
 * What `CacheRegistry.seedCacheRef` did. `blobs`/`bytes` count the distinct blobs the source's cache
 * references (its layers, the cache config, nested manifests' blobs), whether or not they had to be mounted.
 */
export type CacheSeedResult =
  | {
      status: 'mounted';
      /** The digest written at the target ref: the source's, byte for byte. */
      digest: string;
      blobs: number;
      bytes: number;
      /** Cross-repository mounts made (0 within one repository: every blob is already there). */
      mounts: number;
      /** What was written at the target ref, to promote it from without reading it back. */
      manifest?: StoredManifest;
    }
  | {
      status: 'none';
      refusal: CacheSeedRefusal;
      /** Says what happened, naming the ref (and for a corrupt source the blob). */
      message: string;
      blobs: number;
      bytes: number;
    };
