import type { CallOptions, RegistryClient } from '@deployer/registry';

/**
 * Promotes a BuildKit run's export tag to the cache tag it was exported for (cache-ref's `runExportTag`):
 * within one repository a copy is one PUT of the run tag's exact bytes at the cache tag, so readers of the
 * cache tag see the old cache or the new one, never a mix. Returns the digest now at the cache tag.
 */
export async function promoteRunExport(
  client: RegistryClient,
  repository: string,
  runTag: string,
  cacheTag: string,
  options: CallOptions = {},
): Promise<string> {
  const head = await client.copyManifest({
    ...options,
    repository,
    reference: runTag,
    toReference: cacheTag,
  });
  return head.digest;
}
