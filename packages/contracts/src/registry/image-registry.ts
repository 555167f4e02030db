/**
 * Images and tags by reference: what any OCI registry does with a manifest at a tag. deploy uses it for
 * images (does one exist, tag it for an environment, remove an environment's tag) and for single tags it
 * removes (a run's export tag, a cache ref found corrupt). References are full `host/repository:tag`
 * strings; repository references are `host/repository`.
 */
export interface ImageRegistry {
  /** The digest of an image, or null when it does not exist. */
  imageDigest(ref: string, options?: { signal?: AbortSignal }): Promise<string | null>;
  /**
   * Points `targetRef` at the manifest `sourceRef` names (same repository), returning its digest. Optional:
   * with it, a service skipped because its image exists still gets the environment's tag, so `down` knows
   * the environment uses that image.
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
}
