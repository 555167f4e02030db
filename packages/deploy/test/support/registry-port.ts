import { parseImageReference } from '@deployer/cache-ref';
import { isRegistryError, type RegistryClient } from '@deployer/registry';
import type { RegistryPort } from '../../src/index.js';

/**
 * The RegistryPort over @deployer/registry's client, as apps/deployer adapts it: tests of deploy's
 * registry-touching logic run against a real registry through it.
 */
export function registryPort(client: RegistryClient): RegistryPort {
  const split = (ref: string): { repository: string; reference: string } => {
    const parsed = parseImageReference(ref);
    if (parsed.registry !== client.host) throw new Error(`${ref} is not on ${client.host}`);
    return { repository: parsed.repository, reference: parsed.digest ?? parsed.tag ?? 'latest' };
  };
  return {
    async imageDigest(ref, options) {
      const { repository, reference } = split(ref);
      return (await client.headManifest(repository, reference, options))?.digest ?? null;
    },
    async deleteTag(ref, options) {
      const { repository, reference } = split(ref);
      const head = await client.headManifest(repository, reference, options);
      if (head === undefined) return false;
      await client.deleteManifest(repository, head.digest, options);
      return true;
    },
    async listCacheRefs(cacheRepository, service, options) {
      const { repository } = split(cacheRepository);
      const entries = await client.listCacheRefs({ repository, service, ...options });
      return entries.map(({ strategy, ref, buildUuid, digest, sizeBytes, createdAt }) => ({
        strategy,
        ref,
        buildUuid,
        digest,
        sizeBytes,
        createdAt,
      }));
    },
    async listTags(repositoryRef, options) {
      const { repository } = split(repositoryRef);
      try {
        return await client.listTags(repository, options);
      } catch (error) {
        if (isRegistryError(error, 'NAME_UNKNOWN')) return [];
        throw error;
      }
    },
    async tagImage(sourceRef, targetRef, options) {
      const source = split(sourceRef);
      const target = split(targetRef);
      const head = await client.copyManifest({
        ...options,
        repository: source.repository,
        reference: source.reference,
        toRepository: target.repository,
        toReference: target.reference,
      });
      return head.digest;
    },
  };
}
