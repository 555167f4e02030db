import type { ImageRegistry, ImageTagRemoval } from '@deployer/contracts';
import { parseOwnershipTag } from '../plan/ownership-tag.js';

/**
 * The one rule `down` and `cache gc` remove images by. Some tags of a repository go (an environment's tag
 * and ownership tags for `down`; dead environments' ownership tags for `cache gc`): each goes in any case,
 * and an image is deleted with them only when no other tag points at it. The content tags their ownership
 * tags name (`<uuid>.<content>` names `<content>`) go with the image, never alone: a content tag any other
 * tag still shares an image with (another environment's ownership or environment tag, `main`, a fixed
 * tag, another content tag) stays, and so does one an ownership tag that stays names, wherever that
 * points (another build of the same content), so no environment, fallback or deployment loses the image
 * it names.
 * Only ever untag or delete by the digest judged, as the registry is when it is removed (the registry
 * port's `removeImageTags` lists and resolves the repository again, and once more right before a delete).
 */
export interface ImageTagDecision {
  tag: string;
  digest: string;
  /** `own`: a tag that goes in any case; `content`: an image's content tag, which goes only with it. */
  role: 'own' | 'content';
  /** `delete`: with its image; `untag`: alone, the image staying; `keep`; `absent`: gone meanwhile. */
  action: 'delete' | 'untag' | 'keep' | 'absent';
  reason: string;
  deleted: boolean;
}

export interface ImageRemovalPlan {
  removals: ImageTagRemoval[];
  /** Per image, its own tags in the order given, then the content tags going with it. */
  decisions: ImageTagDecision[];
}

/** Other tags shown in a reason before `and N more`. */
const shownTags = 3;

function describeTags(tags: readonly string[]): string {
  const shown = [...tags].sort().slice(0, shownTags).join(', ');
  return tags.length > shownTags ? `${shown} and ${tags.length - shownTags} more` : shown;
}

/**
 * Decides, on the repository's tags as listed (`current`: tag → digest), what removing `own` (tags of
 * it) does: one removal per image they point at. What `removeImageTags` then does may differ, as the
 * registry may have changed since: `applyImageRemovals` records what it did.
 */
export function planImageRemovals(
  current: ReadonlyMap<string, string>,
  own: readonly string[],
): ImageRemovalPlan {
  const tagsAt = new Map<string, string[]>();
  for (const [tag, digest] of current) tagsAt.set(digest, [...(tagsAt.get(digest) ?? []), tag]);
  const removing = new Set(own.filter((tag) => current.has(tag)));
  // Every environment's ownership tags by the content they name, wherever they point: a content tag that
  // two environments built at once points at the newest build's image, not at each one's.
  const recorded = new Map<string, string[]>();
  for (const tag of current.keys()) {
    const owned = parseOwnershipTag(tag);
    if (owned !== null) recorded.set(owned.contentTag, [...(recorded.get(owned.contentTag) ?? []), tag]);
  }
  // Per image: the tags that go in any case, and the content tags that go with it. A content tag named
  // by a removed ownership tag is judged at its own image (where it points), and goes only when no
  // ownership tag that stays names it.
  const groups = new Map<string, { tags: string[]; freed: Map<string, string[]> }>();
  const group = (digest: string) => {
    const found = groups.get(digest) ?? { tags: [], freed: new Map<string, string[]>() };
    groups.set(digest, found);
    return found;
  };
  const kept: ImageTagDecision[] = [];
  for (const tag of removing) group(current.get(tag)!).tags.push(tag);
  for (const tag of removing) {
    const owned = parseOwnershipTag(tag);
    const at = owned === null ? undefined : current.get(owned.contentTag);
    if (owned === null || at === undefined) continue;
    const staying = (recorded.get(owned.contentTag) ?? []).filter((other) => !removing.has(other));
    if (staying.length > 0) {
      if (!kept.some((decision) => decision.tag === owned.contentTag)) {
        const reason = `content tag also recorded by ${describeTags(staying)}: kept`;
        kept.push({
          tag: owned.contentTag,
          digest: at,
          role: 'content',
          action: 'keep',
          reason,
          deleted: false,
        });
      }
      continue;
    }
    const freed = group(at).freed;
    freed.set(owned.contentTag, [...(freed.get(owned.contentTag) ?? []), owned.buildUuid]);
  }
  const removals: ImageTagRemoval[] = [];
  const decisions: ImageTagDecision[] = [];
  for (const [digest, { tags, freed }] of groups) {
    const others = (tagsAt.get(digest) ?? []).filter((tag) => !tags.includes(tag) && !freed.has(tag));
    removals.push({ digest, tags, withManifest: [...freed.keys()] });
    const deleting = others.length === 0;
    for (const tag of tags) {
      decisions.push({
        tag,
        digest,
        role: 'own',
        action: deleting ? 'delete' : 'untag',
        reason: deleting ? ownDeletedReason : sharedReason(others),
        deleted: false,
      });
    }
    for (const [tag, users] of freed) {
      decisions.push({
        tag,
        digest,
        role: 'content',
        action: deleting ? 'delete' : 'keep',
        reason: deleting ? contentDeletedReason(users) : keptReason(others),
        deleted: false,
      });
    }
  }
  return { removals, decisions: [...decisions, ...kept] };
}

const ownDeletedReason = 'no other tag points at its image: deleted with it';
const contentDeletedReason = (users: readonly string[]) =>
  `content tag used only by ${users.join(', ')}: deleted with its image`;
const sharedReason = (others: readonly string[]) =>
  `image shared with tags ${describeTags(others)}: only this tag goes`;
const keptReason = (others: readonly string[]) => `image shared with tags ${describeTags(others)}: kept`;

/** Removes what `plan` decided, as the registry is now, and records in its decisions what was done. */
export async function applyImageRemovals(
  registry: ImageRegistry,
  repository: string,
  plan: ImageRemovalPlan,
  request: { signal: AbortSignal } | undefined,
): Promise<void> {
  const results = await registry.removeImageTags(repository, plan.removals, request);
  for (const result of results) {
    const removed = new Set(result.removed);
    for (const decision of plan.decisions) {
      if (decision.digest !== result.digest) continue;
      Object.assign(decision, outcome(decision, result.manifestDeleted, removed, result.otherTags));
    }
  }
}

function outcome(
  decision: ImageTagDecision,
  manifestDeleted: boolean,
  removed: ReadonlySet<string>,
  otherTags: readonly string[],
): Pick<ImageTagDecision, 'action' | 'reason' | 'deleted'> {
  const gone = { action: 'absent', reason: 'no longer pointed at this image', deleted: false } as const;
  if (manifestDeleted) {
    if (!removed.has(decision.tag)) return gone;
    // Decided as planned, or the tags that shared the image went meanwhile.
    const reason =
      decision.action === 'delete'
        ? decision.reason
        : decision.role === 'own'
          ? ownDeletedReason
          : 'no other tag points at its image any more: deleted with it';
    return { action: 'delete', reason, deleted: true };
  }
  if (decision.role === 'content') {
    if (decision.action === 'keep') return { action: 'keep', reason: decision.reason, deleted: false };
    const reason =
      otherTags.length > 0 ? keptReason(otherTags) : 'its image no longer has the tags judged: kept';
    return { action: 'keep', reason, deleted: false };
  }
  if (!removed.has(decision.tag)) return gone;
  return { action: 'untag', reason: sharedReason(otherTags), deleted: true };
}
