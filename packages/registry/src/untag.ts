import { putAnnotationManifest } from './annotation-manifest.js';
import type { RegistryClient } from './client.js';
import type { CallOptions } from './context.js';

/**
 * Removes one tag and nothing else. The Distribution API deletes manifests, not tags, and deleting a
 * manifest removes every tag that points at it; so the tag is first pointed at a placeholder manifest
 * unique to it, and that placeholder is deleted. Other tags of the same image stay. Returns false when the
 * tag did not exist.
 */
export async function untag(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: CallOptions = {},
): Promise<boolean> {
  if ((await client.headManifest(repository, tag, options)) === undefined) return false;
  // Unique per tag, so the placeholder never shares a digest with a real image or another tag's.
  const placeholder = await putAnnotationManifest(
    client,
    repository,
    tag,
    { 'io.deployer.untag': `${repository}:${tag}` },
    options,
  );
  await client.deleteManifest(repository, placeholder.digest, options);
  return true;
}
