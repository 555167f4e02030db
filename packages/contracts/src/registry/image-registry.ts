import type { ImageTagRemoval, ImageTagRemovalResult } from './image-tag-removal.js';

/**
 * Images and tags by reference: what any OCI registry does with a manifest at a tag. deploy uses it for
 * images (does one exist, tag it for an environment, remove an environment's tags and the images only it
 * used) and for single tags it removes (a run's export tag, a cache ref found corrupt). References are full
 * `host/repository:tag` strings (or `host/repository@sha256:…` where a digest is named); repository
 * references are `host/repository`.
 */
export interface ImageRegistry {
  /** The digest of an image, or null when it does not exist. */
  imageDigest(ref: string, options?: { signal?: AbortSignal }): Promise<string | null>;
  /**
   * When the image was built: the `created` of its config (of an index, the newest among its images'
   * configs); null when the image does not exist or says no parsable time. `ref` may name a digest.
   */
  imageCreatedAt(ref: string, options?: { signal?: AbortSignal }): Promise<Date | null>;
  /**
   * Points `targetRef` at the manifest `sourceRef` names (same repository; `sourceRef` may name it by
   * digest), returning its digest. Optional: with it, a service skipped because its image exists still
   * gets the environment's tags, so `down` knows the environment uses that image.
   */
  tagImage?(sourceRef: string, targetRef: string, options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Removes exactly this tag, other tags of the same image staying; false when it did not exist.
   * `exists`: the caller saw the tag a moment ago and nothing else writes it (a run's own export tag), so
   * the check before is skipped (one round trip fewer; the answer is then true).
   */
  untag(ref: string, options?: { signal?: AbortSignal; exists?: boolean }): Promise<boolean>;
  /** Deletes a tag (resolve, then delete by digest); false when it did not exist. */
  deleteTag(ref: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Tags of a repository (`host/repository`); none when it does not exist. */
  listTags(repository: string, options?: { signal?: AbortSignal }): Promise<string[]>;
  /**
   * Every tag of a repository (`host/repository`) with the digest it points at: one listing, one HEAD per
   * tag (a few at once). A tag deleted in between is left out; none when the repository does not exist.
   */
  listTagDigests(
    repository: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ tag: string; digest: string }[]>;
  /**
   * Removes images' tags, each removal judged at one digest (see ImageTagRemoval), deciding on the
   * repository as it is now, not as the caller saw it: its tags are listed and resolved again, and listed
   * once more right before a manifest is deleted. Never deletes a manifest another tag still points at.
   * One result per removal, in order.
   */
  removeImageTags(
    repository: string,
    removals: readonly ImageTagRemoval[],
    options?: { signal?: AbortSignal },
  ): Promise<ImageTagRemovalResult[]>;
}
