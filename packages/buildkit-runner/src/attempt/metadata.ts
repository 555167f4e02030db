import { readFile } from 'node:fs/promises';

export interface BuildMetadata {
  /** `containerimage.digest`: the pushed manifest or index. */
  imageDigest: string | null;
  /** The digest inside `cache.manifest` (a JSON string), where a cache was exported. */
  cacheManifestDigest: string | null;
}

const digest = /^sha256:[0-9a-f]{64}$/;

/** Reads what `--metadata-file` wrote; a file that is absent or unreadable yields nulls. */
export function parseBuildMetadata(text: string): BuildMetadata {
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    return { imageDigest: null, cacheManifestDigest: null };
  }
  if (typeof metadata !== 'object' || metadata === null)
    return { imageDigest: null, cacheManifestDigest: null };
  const record = metadata as Record<string, unknown>;
  const image = record['containerimage.digest'];
  return {
    imageDigest: typeof image === 'string' && digest.test(image) ? image : null,
    cacheManifestDigest: cacheDigest(record['cache.manifest']),
  };
}

function cacheDigest(value: unknown): string | null {
  let manifest: unknown = value;
  if (typeof value === 'string') {
    try {
      manifest = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof manifest !== 'object' || manifest === null) return null;
  const found = (manifest as Record<string, unknown>).digest;
  return typeof found === 'string' && digest.test(found) ? found : null;
}

export async function readBuildMetadata(path: string): Promise<BuildMetadata> {
  try {
    return parseBuildMetadata(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { imageDigest: null, cacheManifestDigest: null };
    throw error;
  }
}
