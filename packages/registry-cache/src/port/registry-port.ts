import { parseImageReference } from '@deployer/cache-ref';
import type { RegistryPort } from '@deployer/contracts';
import { type CallOptions, RegistryClient, type RegistryClientOptions } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import { imageCreatedAt } from '../images/image-created.js';
import { removeImageTags } from '../images/image-tag-removal.js';
import { listTagDigests } from '../images/tag-digests.js';
import { listCacheRefs } from '../inventory/list-cache-refs.js';
import { listLeaseTags } from '../leases/lease-listing.js';
import { claimLease, leaseHolder, releaseLease } from '../leases/lease-manifest.js';
import { deleteRepositoryTags } from '../removal/cache-delete.js';
import { inspectCacheTag, removeCacheTags } from '../removal/cache-tag-removal.js';
import { promoteRunExport, readRunExport } from '../run-exports/promote-run-export.js';
import { listRunExportTags } from '../run-exports/run-exports.js';
import { seedCacheRef } from '../seeding/seed-cache-ref.js';

/**
 * The registry ports of @deployer/contracts (`ImageRegistry`, `CacheRegistry`, `LeaseRegistry`) over
 * @deployer/registry clients, with deployer's cache layout from this package. Refs are full `host/repository[:tag]` strings; repository refs
 * (`host/repository`) carry no tag. Beyond the ports: `tagImage` always exists, and `client` gives the
 * client for a host.
 */
export interface RegistryPortAdapter extends RegistryPort {
  /** Points `targetRef` at the manifest `sourceRef` names (same registry), returning its digest. */
  tagImage(sourceRef: string, targetRef: string, options?: CallOptions): Promise<string>;
  /** The client this port uses for a registry host (created on first use). */
  client(host: string): RegistryClient;
}

export interface RegistryPortOptions {
  /** Hosts spoken to over plain http (loopback hosts always are). */
  insecureRegistries?: readonly string[];
  /** Shared by every client, e.g. `credentials`, `timeoutMs`, `onRequest`. Default credentials: docker config. */
  clientOptions?: Partial<Omit<RegistryClientOptions, 'host'>>;
}

/**
 * The registry ports over @deployer/registry clients, one per registry host (the image and the cache
 * registry may differ). Refs are parsed with cache-ref's `parseImageReference`.
 */
export function createRegistryPort(options: RegistryPortOptions = {}): RegistryPortAdapter {
  const insecure = new Set(options.insecureRegistries ?? []);
  const clients = new Map<string, RegistryClient>();
  const client = (host: string): RegistryClient => {
    let found = clients.get(host);
    if (found === undefined) {
      found = new RegistryClient({
        ...options.clientOptions,
        host,
        insecure: options.clientOptions?.insecure === true || insecure.has(host),
      });
      clients.set(host, found);
    }
    return found;
  };
  const locate = (ref: string) => {
    const parsed = parseImageReference(ref);
    return {
      client: client(parsed.registry),
      repository: parsed.repository,
      reference: parsed.digest ?? parsed.tag ?? 'latest',
    };
  };
  const locateTag = (ref: string, what = 'a tag ref') => {
    const parsed = parseImageReference(ref);
    if (parsed.tag === undefined || parsed.digest !== undefined) {
      throw new TypeError(`${ref} is not ${what} (host/repository:tag)`);
    }
    return { client: client(parsed.registry), repository: parsed.repository, tag: parsed.tag };
  };
  const locateLease = (ref: string) => locateTag(ref, 'a lease ref');
  const locateRepository = (ref: string) => {
    const parsed = parseImageReference(ref);
    if (parsed.tag !== undefined || parsed.digest !== undefined) {
      throw new TypeError(`${ref} names an image, expected a repository (host/repository, no tag)`);
    }
    return { client: client(parsed.registry), repository: parsed.repository };
  };

  return {
    async imageDigest(ref, call) {
      const { client, repository, reference } = locate(ref);
      return (await client.headManifest(repository, reference, call))?.digest ?? null;
    },
    async imageCreatedAt(ref, call) {
      const { client, repository, reference } = locate(ref);
      return imageCreatedAt(client, repository, reference, call);
    },
    async deleteTag(ref, call) {
      const { client, repository, reference } = locate(ref);
      const head = await client.headManifest(repository, reference, call);
      if (head === undefined) return false;
      await client.deleteTaggedManifest(repository, head.digest, [reference], call);
      return true;
    },
    async untag(ref, call) {
      const { client, repository, reference } = locate(ref);
      return client.untag(repository, reference, call);
    },
    async listCacheRefs(cacheRepository, service, call) {
      const { client, repository } = locateRepository(cacheRepository);
      const entries = await listCacheRefs(client, { repository, service, ...call });
      return entries.map(({ strategy, layout, ref, buildUuid, digest, tags, sizeBytes, createdAt }) => ({
        strategy,
        layout,
        ref,
        buildUuid,
        digest,
        tags,
        sizeBytes,
        createdAt,
      }));
    },
    async inspectCacheRef(ref, call) {
      const { client, repository, tag } = locateTag(ref);
      return inspectCacheTag(client, repository, tag, call);
    },
    async removeCacheRefs(refs, call) {
      // One pass per repository: a tag listing and one HEAD per tag, however many refs go.
      const byRepository = new Map<
        string,
        { client: RegistryClient; repository: string; tags: { tag: string; digest: string }[] }
      >();
      for (const { ref, digest } of refs) {
        const { client, repository, tag } = locateTag(ref);
        const key = `${client.host}/${repository}`;
        const group = byRepository.get(key) ?? { client, repository, tags: [] };
        group.tags.push({ tag, digest });
        byRepository.set(key, group);
      }
      const removed: string[] = [];
      for (const [key, { client, repository, tags }] of byRepository) {
        for (const tag of await removeCacheTags(client, repository, tags, call))
          removed.push(`${key}:${tag}`);
      }
      return removed;
    },
    async listTags(repositoryRef, call) {
      const { client, repository } = locateRepository(repositoryRef);
      return existingTags(client, repository, call);
    },
    async listTagDigests(repositoryRef, call) {
      const { client, repository } = locateRepository(repositoryRef);
      return listTagDigests(client, repository, call);
    },
    async removeImageTags(repositoryRef, removals, call) {
      const { client, repository } = locateRepository(repositoryRef);
      return removeImageTags(client, repository, removals, call);
    },
    async runExportManifest(runRef, call) {
      const { client, repository, reference } = locate(runRef);
      return readRunExport(client, repository, reference, call);
    },
    async promoteCache(runRef, cacheRef, call) {
      const run = locate(runRef);
      const cache = locate(cacheRef);
      if (run.client !== cache.client || run.repository !== cache.repository) {
        // Across repositories a copy mounts blobs first: more than the one atomic step promotion must be.
        throw new TypeError(`cannot promote ${runRef} to ${cacheRef}: not the same repository`);
      }
      return promoteRunExport(run.client, run.repository, run.reference, cache.reference, call);
    },
    async listRunExports(cacheRepository, service, call) {
      const { client, repository } = locateRepository(cacheRepository);
      const found = await listRunExportTags(client, { repository, service, ...call });
      return found.map(({ ref, startedAt }) => ({ ref, startedAt }));
    },
    async seedCacheRef(fromRef, toRef, call) {
      const from = locate(fromRef);
      const to = locate(toRef);
      if (from.client !== to.client) {
        // A mount links blobs inside one registry; across registries they would have to travel.
        throw new TypeError(`cannot seed ${toRef} from ${fromRef}: different registries`);
      }
      return seedCacheRef(from.client, from, to, call);
    },
    async tagImage(sourceRef, targetRef, call) {
      const source = locate(sourceRef);
      const target = locate(targetRef);
      if (source.client !== target.client) {
        throw new TypeError(`cannot tag ${sourceRef} as ${targetRef}: different registries`);
      }
      const head = await source.client.copyManifest({
        ...call,
        repository: source.repository,
        reference: source.reference,
        toRepository: target.repository,
        toReference: target.reference,
      });
      return head.digest;
    },
    async deleteRepositoryTags(repositoryRef, call) {
      const { client, repository } = locateRepository(repositoryRef);
      const result = await deleteRepositoryTags(client, repository, call);
      return result.deleted.map(({ tag }) => tag);
    },
    async claimLease(leaseRef, holder, call) {
      const { client, repository, tag } = locateLease(leaseRef);
      return claimLease(client, repository, tag, holder, call);
    },
    async leaseHolder(leaseRef, call) {
      const { client, repository, tag } = locateLease(leaseRef);
      return leaseHolder(client, repository, tag, call);
    },
    async releaseLease(leaseRef, holder, call) {
      const { client, repository, tag } = locateLease(leaseRef);
      return releaseLease(client, repository, tag, holder, call);
    },
    async listLeases(cacheRepository, service, call) {
      const { client, repository } = locateRepository(cacheRepository);
      const found = await listLeaseTags(client, { repository, service, ...call });
      return found.map(({ ref, buildUuid, holder }) => ({ ref, buildUuid, holder }));
    },
    client,
  };
}
