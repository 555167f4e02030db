import type { GitHubOctokit } from './github-client.js';

/** A pull request's head commit in one repository, and what links from GitHub to the environment. */
export interface CommitTarget {
  owner: string;
  repo: string;
  sha: string;
  buildUuid: string;
  /** The check run's name or the commit status's context. */
  name: string;
  link?: string | undefined;
}

export type CheckConclusion = 'success' | 'failure' | 'cancelled';

/** A check run on the head commit, queued: its id is what later updates name. */
export async function createCheckRun(
  octokit: GitHubOctokit,
  target: CommitTarget,
  externalId: string,
  title: string,
): Promise<number> {
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: target.owner,
    repo: target.repo,
    name: target.name,
    head_sha: target.sha,
    status: 'queued',
    external_id: externalId,
    ...(target.link !== undefined && { details_url: target.link }),
    output: { title, summary: `Environment \`${target.buildUuid}\`.` },
  });
  // GitHub's ids are int64 in its description; they fit a JavaScript number (below 2^53).
  return Number(data.id);
}

export async function updateCheckRun(
  octokit: GitHubOctokit,
  target: CommitTarget,
  checkRunId: number,
  update: { conclusion?: CheckConclusion; title: string; summary: string },
): Promise<void> {
  const now = new Date().toISOString();
  await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner: target.owner,
    repo: target.repo,
    check_run_id: checkRunId,
    ...(update.conclusion === undefined
      ? { status: 'in_progress' as const, started_at: now }
      : { status: 'completed' as const, conclusion: update.conclusion, completed_at: now }),
    output: { title: update.title, summary: update.summary },
  });
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** A commit status (for tokens without checks write): one per context, the newest wins. */
export async function postCommitStatus(
  octokit: GitHubOctokit,
  target: CommitTarget,
  state: CommitState,
  description: string,
): Promise<void> {
  await octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner: target.owner,
    repo: target.repo,
    sha: target.sha,
    state,
    context: target.name,
    description: description.slice(0, 140),
    ...(target.link !== undefined && { target_url: target.link }),
  });
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/**
 * A deployment of the head commit to the environment named by its build uuid: transient (GitHub lets it
 * go once inactive), never production, no required contexts (our own check run is still running).
 */
export async function createDeployment(
  octokit: GitHubOctokit,
  target: CommitTarget,
  pullRequest: number,
): Promise<number | undefined> {
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/deployments', {
    owner: target.owner,
    repo: target.repo,
    ref: target.sha,
    environment: target.buildUuid,
    auto_merge: false,
    required_contexts: [],
    transient_environment: true,
    production_environment: false,
    description: `Preview environment of pull request #${pullRequest}`,
  });
  // 202 (a merge GitHub made instead) has no id; auto_merge is off, so only an odd answer lands here.
  return 'id' in data ? Number(data.id) : undefined;
}

export async function postDeploymentStatus(
  octokit: GitHubOctokit,
  target: CommitTarget,
  deploymentId: number,
  state: DeploymentState,
  description: string,
): Promise<void> {
  await octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    owner: target.owner,
    repo: target.repo,
    deployment_id: deploymentId,
    state,
    description: description.slice(0, 140),
    ...(target.link !== undefined && { log_url: target.link }),
    ...(target.link !== undefined && state === 'success' && { environment_url: target.link }),
  });
}

/**
 * The environment is gone: each of its deployments (listed by the build uuid, so a restart forgets
 * nothing) is marked inactive.
 */
export async function deactivateDeployments(
  octokit: GitHubOctokit,
  target: Omit<CommitTarget, 'sha'>,
): Promise<number> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/deployments', {
    owner: target.owner,
    repo: target.repo,
    environment: target.buildUuid,
    per_page: 100,
  });
  for (const deployment of data) {
    await octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: target.owner,
      repo: target.repo,
      deployment_id: Number(deployment.id),
      state: 'inactive',
      description: 'Preview environment torn down',
    });
  }
  return data.length;
}
