import { parseImageReference } from '@deployer/cache-ref';
import type { RegistryPort } from '@deployer/deploy';
import { isRegistryError, RegistryClient } from '@deployer/registry';

/**
 * deploy's RegistryPort over @deployer/registry clients, one client per registry host (the image and the
 * cache registry may differ). Credentials come from the docker config, as docker resolves them.
 */
export function createRegistryPort(insecureRegistries: readonly string[]): RegistryPort {
  const clients = new Map<string, RegistryClient>();
  const clientFor = (host: string): RegistryClient => {
    let client = clients.get(host);
    if (client === undefined) {
      client = new RegistryClient({ host, insecure: insecureRegistries.includes(host) });
      clients.set(host, client);
    }
    return client;
  };
  const locate = (ref: string) => {
    const parsed = parseImageReference(ref);
    return {
      client: clientFor(parsed.registry),
      repository: parsed.repository,
      reference: parsed.digest ?? parsed.tag ?? 'latest',
    };
  };

  return {
    async imageDigest(ref, options) {
      const { client, repository, reference } = locate(ref);
      return (await client.headManifest(repository, reference, options))?.digest ?? null;
    },
    async deleteTag(ref, options) {
      const { client, repository, reference } = locate(ref);
      const head = await client.headManifest(repository, reference, options);
      if (head === undefined) return false;
      await client.deleteManifest(repository, head.digest, options);
      return true;
    },
    async listCacheRefs(cacheRepository, service, options) {
      const { client, repository } = locate(cacheRepository);
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
      const { client, repository } = locate(repositoryRef);
      try {
        return await client.listTags(repository, options);
      } catch (error) {
        if (isRegistryError(error, 'NAME_UNKNOWN')) return [];
        throw error;
      }
    },
    async tagImage(sourceRef, targetRef, options) {
      const source = locate(sourceRef);
      const target = locate(targetRef);
      const head = await source.client.copyManifest({
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
