import type { GitHubOctokit } from './github-client.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  pullRequest: number;
  /** The comment's first line (commentMarker). */
  marker: string;
  /** Whether a listed comment is this server's (its App's, or the token's user's). */
  isOurs: (comment: ListedComment) => boolean;
}

export interface ListedComment {
  id: number;
  body?: string | undefined;
  user: { login: string; type?: string } | null;
  performed_via_github_app?: { id: number } | null | undefined;
}

// A pull request with more comments than this is not looked through further (and a new comment is made).
const pagesAtMost = 20;
const perPage = 100;

/** This server's comments carrying the marker, oldest first (GitHub lists issue comments by id ascending). */
export async function findMarkedComments(
  octokit: GitHubOctokit,
  target: CommentTarget,
): Promise<ListedComment[]> {
  const found: ListedComment[] = [];
  for (let page = 1; page <= pagesAtMost; page++) {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.pullRequest,
      per_page: perPage,
      page,
    });
    for (const comment of data as ListedComment[]) {
      // Someone else's comment quoting the marker (a pull request's author can post one) is never ours.
      if (comment.body?.startsWith(target.marker) && target.isOurs(comment)) found.push(comment);
    }
    if (data.length < perPage) break;
  }
  return found.sort((a, b) => a.id - b.id);
}

/**
 * Writes the environment's comment: updates the one this server wrote before (remembered, or found by
 * its marker after a restart), else creates it. Two replicas can only race here across a job's end and
 * the next job's start (jobs of one environment run one at a time, and this replica sends an
 * environment's feedback in order); should both create one, both see two after creating and keep the
 * oldest, deleting the other: the comment converges to one.
 */
export async function upsertComment(
  octokit: GitHubOctokit,
  target: CommentTarget,
  body: string,
  known: number | undefined,
): Promise<number> {
  const { owner, repo } = target;
  if (known !== undefined) {
    try {
      await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        owner,
        repo,
        comment_id: known,
        body,
      });
      return known;
    } catch (error) {
      // Deleted by someone: found again or made anew below.
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  const [existing] = await findMarkedComments(octokit, target);
  if (existing !== undefined) {
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner,
      repo,
      comment_id: existing.id,
      body,
    });
    return existing.id;
  }
  const { data: created } = await octokit.request(
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    {
      owner,
      repo,
      issue_number: target.pullRequest,
      body,
    },
  );
  const marked = await findMarkedComments(octokit, target);
  const createdId = Number(created.id);
  const [oldest, ...others] = marked;
  if (oldest === undefined || oldest.id === createdId) {
    for (const other of others) await deleteComment(octokit, owner, repo, other.id);
    return createdId;
  }
  // Another replica's comment came first: ours goes, theirs gets this body.
  await deleteComment(octokit, owner, repo, createdId);
  await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
    owner,
    repo,
    comment_id: oldest.id,
    body,
  });
  return oldest.id;
}

async function deleteComment(octokit: GitHubOctokit, owner: string, repo: string, id: number): Promise<void> {
  try {
    await octokit.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner,
      repo,
      comment_id: id,
    });
  } catch (error) {
    // The other replica deleted it first.
    if ((error as { status?: number }).status !== 404) throw error;
  }
}
