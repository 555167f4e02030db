/**
 * The shape of a content tag: the 64 hex digits of a sha256 (see `contentTagLength`). Longer than any build
 * uuid (at most 63 characters), so never an environment's tag; a spec's fixed tag may not take it, and `down` relies on it.
 */
export function isContentTag(tag: string): boolean {
  return /^[0-9a-f]{64}$/.test(tag);
}
