import type { BuildUuid } from '@deployer/contracts';
import { isBuildUuid } from '../uuid/build-uuid.js';
import { isContentTag } from './content-tag-shape.js';

/**
 * An environment's record that it uses an image: the ownership tag `<buildUuid>.<contentTag>` beside the
 * image's content tag, written by the build that pushes the image and by one that skips onto it. `down`
 * removes an environment's ownership tags and deletes each image no other tag still points at; `cache gc`
 * does the same for environments that are gone. One place names them, parses them, and says what they are not:
 *
 * - at most 63 + 1 + 64 = 128 characters, the longest tag the OCI distribution spec allows;
 * - injective: a build uuid never contains `.` (lower-case letters and digits in dash groups) and a content
 *   tag is 64 hex digits, so the tag splits back at its only `.` into exactly one pair;
 * - never a build uuid (it contains `.`), never a content tag (it contains `.`, and is longer than 64),
 *   never a git sha (hex only) and never a cache tag (those live in the cache repository, never beside images).
 */
export const ownershipSeparator = '.';

export interface Ownership {
  buildUuid: BuildUuid;
  contentTag: string;
}

/**
 * `<buildUuid>.<contentTag>`; throws a TypeError for a build uuid or content tag of another shape. The uuid
 * was validated where it came in; it is asked again (the same rule, not a second one) because the tag's
 * injectivity rests on it and a public function can be handed a forged brand.
 */
export function ownershipTag(buildUuid: BuildUuid, contentTag: string): string {
  if (!isBuildUuid(buildUuid)) throw new TypeError(`${JSON.stringify(buildUuid)} is not a build uuid`);
  if (!isContentTag(contentTag)) throw new TypeError(`${JSON.stringify(contentTag)} is not a content tag`);
  return `${buildUuid}${ownershipSeparator}${contentTag}`;
}

/** The environment and content an ownership tag names; null for any other tag. */
export function parseOwnershipTag(tag: string): Ownership | null {
  const at = tag.indexOf(ownershipSeparator);
  if (at < 0) return null;
  const buildUuid = tag.slice(0, at);
  const contentTag = tag.slice(at + 1);
  return isBuildUuid(buildUuid) && isContentTag(contentTag) ? { buildUuid, contentTag } : null;
}

export function isOwnershipTag(tag: string): boolean {
  return parseOwnershipTag(tag) !== null;
}
