// Corrupt cache refs: a BuildKit registry cache is an image index whose entries are blobs (the layers and
// `application/vnd.buildkit.cacheconfig.v0`). A ref is corrupt when one of those blobs is gone from its
// repository: a build importing it fails, or (deployer) heals by dropping it.
const accept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const cacheConfig = 'application/vnd.buildkit.cacheconfig.v0';

/** Every cache ref in the registry, and those with a blob missing. */
export async function scanCacheRefs(registry) {
  const refs = [];
  const corrupt = [];
  for (const { repository, tags } of await registry.catalog()) {
    for (const tag of tags) {
      const answer = await fetch(`http://${registry.host}/v2/${repository}/manifests/${tag}`, {
        headers: { accept },
      });
      if (!answer.ok) continue;
      const manifest = await answer.json();
      const entries = manifest.manifests ?? [];
      if (!entries.some((entry) => entry.mediaType === cacheConfig)) continue;
      const ref = `${repository}:${tag}`;
      refs.push(ref);
      for (const entry of entries) {
        const blob = await fetch(`http://${registry.host}/v2/${repository}/blobs/${entry.digest}`, {
          method: 'HEAD',
        });
        if (blob.status === 404) {
          corrupt.push(ref);
          break;
        }
      }
    }
  }
  return { refs, corrupt };
}
