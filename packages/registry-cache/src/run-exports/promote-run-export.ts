import type { StoredManifest } from '@deployer/contracts';
import { type CallOptions, isRegistryError, type RegistryClient } from '@deployer/registry';

/**
 * A run's export tag as stored, or null when it does not exist (BuildKit exports with ignore-error=true:
 * a failed cache write leaves no run tag).
 */
export async function readRunExport(
  client: RegistryClient,
  repository: string,
  runTag: string,
  options: CallOptions = {},
): Promise<StoredManifest | null> {
  try {
    const { digest, mediaType, bytes } = await client.getManifest(repository, runTag, options);
    return { digest, mediaType, bytes };
  } catch (error) {
    if (isRegistryError(error, 'MANIFEST_UNKNOWN') || isRegistryError(error, 'NAME_UNKNOWN')) return null;
    throw error;
  }
}

/**
 * Promotes a BuildKit run's export tag to the cache tag it was exported for (cache-ref's `runExportTag`):
 * within one repository a copy is one PUT of the run tag's exact bytes at the cache tag, so readers of the
 * cache tag see the old cache or the new one, never a mix. Returns the digest now at the cache tag.
 * `manifest`: the run tag's bytes read a moment ago (readRunExport), so only the PUT remains.
 */
export async function promoteRunExport(
  client: RegistryClient,
  repository: string,
  runTag: string,
  cacheTag: string,
  options: CallOptions & { manifest?: StoredManifest } = {},
): Promise<string> {
  const { manifest, ...call } = options;
  if (manifest !== undefined) {
    const head = await client.putManifest(repository, cacheTag, manifest.bytes, {
      ...call,
      mediaType: manifest.mediaType,
    });
    return head.digest;
  }
  const head = await client.copyManifest({
    ...call,
    repository,
    reference: runTag,
    toReference: cacheTag,
  });
  return head.digest;
}
