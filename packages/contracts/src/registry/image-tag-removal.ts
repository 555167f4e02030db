/**
 * What `ImageRegistry.removeImageTags` removes of one image (one manifest digest) of a repository. Tags are
 * bare tags of that repository; a tag that no longer points at `digest` is left alone.
 */
export interface ImageTagRemoval {
  digest: string;
  /** Tags that go in any case: with the manifest when it is deleted, else one by one (untag). */
  tags: readonly string[];
  /**
   * Tags that go only with the manifest (an image's content tag): the manifest is deleted, taking these and
   * `tags`, only when no other tag of the repository points at `digest`; otherwise these stay.
   */
  withManifest: readonly string[];
}

/** What became of one ImageTagRemoval. */
export interface ImageTagRemovalResult {
  digest: string;
  /** The manifest was deleted (or was already gone), and every tag at it with it. */
  manifestDeleted: boolean;
  /** The tags gone: `tags` and `withManifest` when the manifest was deleted, else the `tags` untagged. */
  removed: string[];
  /** Other tags pointing at `digest` when it was decided: why the manifest stayed (empty when deleted). */
  otherTags: string[];
}
