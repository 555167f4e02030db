import { readFile } from 'node:fs/promises';
import type { BuildReport } from '@deployer/deploy';
import type { ClaimedJob } from '@deployer/state';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config-schema.js';
import { environmentPagePath } from '../http/environment-page-path.js';
import type { GitHubRequestKind, ServerMetrics } from '../metrics/index.js';
import type { JobObserver } from '../observe/job-observer.js';
import { runIdOf } from '../observe/job-observer.js';
import type { JobOutcome } from '../worker/job-outcome.js';
import {
  type CommitTarget,
  createCheckRun,
  createDeployment,
  deactivateDeployments,
  postCommitStatus,
  postDeploymentStatus,
  updateCheckRun,
} from './commit-feedback.js';
import {
  commentMarker,
  environmentComment,
  type FeedbackState,
  stateSummary,
} from './environment-comment.js';
import { checkConclusion, commitState, deploymentState, feedbackStateOf } from './feedback-states.js';
import {
  createGitHubClient,
  type GitHubClient,
  type GitHubOctokit,
  type GitHubPacing,
} from './github-client.js';
import { type CommentTarget, upsertComment } from './pull-request-comment.js';

export interface GitHubFeedbackOptions {
  config: ServerConfig;
  /** Where the credentials' variables are read; privateKeyFile is read from disk. */
  credentialsEnv: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  metrics: Pick<ServerMetrics, 'recordGitHubRequest' | 'recordGitHubRateLimit'>;
  /** Tests shorten GitHub's pacing (1 s between writes, real retry-after seconds). */
  pacing?: Partial<GitHubPacing>;
}

export interface GitHubFeedback extends JobObserver {
  /** Resolves once every feedback queued so far was sent or given up (tests; a draining server). */
  idle(): Promise<void>;
}

type Repository = ServerConfig['repositories'][number];
type Configured = Repository & { github: NonNullable<Repository['github']> };

interface Feedback {
  repository: Configured;
  client: GitHubClient;
}

/**
 * The GitHub side of each pull request environment's jobs, as a JobObserver: nothing it does can fail
 * or delay a build. Every call is queued per environment (so its calls go in order: a check run exists
 * before it is updated, the comment is written by one call at a time) and runs after the observer has
 * returned; a failure is logged (status and GitHub's message, never a credential) and counted.
 */
export async function createGitHubFeedback(options: GitHubFeedbackOptions): Promise<GitHubFeedback> {
  const feedbacks = new Map<string, Feedback>();
  for (const [index, repository] of options.config.repositories.entries()) {
    if (repository.github === undefined) continue;
    const client = await createGitHubClient({
      repository: repository.name,
      configPath: `repositories[${index}].github`,
      github: repository.github,
      credentials: { env: options.credentialsEnv, readFile: (path) => readFile(path, 'utf8') },
      ...(options.pacing !== undefined && { pacing: options.pacing }),
      onRateLimit: (limit) => {
        options.metrics.recordGitHubRateLimit(limit.kind);
        options.logger.warn({ repository: repository.name, ...limit }, 'github rate limit');
      },
    });
    feedbacks.set(repository.name, { repository: repository as Configured, client });
  }

  const queues = new Map<string, Promise<void>>();
  const checkRuns = new Map<number, number>();
  const deployments = new Map<number, number>();
  const comments = new Map<string, number>();
  const inProgress = new Set<number>();

  const enqueue = (job: ClaimedJob, task: (feedback: Feedback) => Promise<void>) => {
    const feedback = feedbacks.get(job.environment.repository);
    if (feedback === undefined || job.environment.pullRequestNumber === null) return;
    const key = `${job.environment.repository}\n${job.environment.buildUuid}`;
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => task(feedback)).catch(() => {});
    queues.set(key, next);
    void next.then(() => {
      if (queues.get(key) === next) queues.delete(key);
    });
  };

  /**
   * One GitHub call with the repository's client (its installation looked up first if need be): logged
   * and counted when it fails, never thrown (the next call still goes).
   */
  const attempt = async <T>(
    job: ClaimedJob,
    kind: GitHubRequestKind,
    call: (octokit: GitHubOctokit) => Promise<T>,
  ) => {
    try {
      const feedback = feedbacks.get(job.environment.repository);
      if (feedback === undefined) return undefined;
      const result = await call(await feedback.client.octokit());
      options.metrics.recordGitHubRequest({ kind, outcome: 'succeeded' });
      return result;
    } catch (error) {
      options.metrics.recordGitHubRequest({ kind, outcome: 'failed' });
      const status = (error as { status?: unknown }).status;
      options.logger.warn(
        {
          repository: job.environment.repository,
          buildUuid: job.environment.buildUuid,
          runId: runIdOf(job),
          github: kind,
          ...(typeof status === 'number' && { status }),
          error: error instanceof Error ? error.message : String(error),
        },
        `github ${kind} failed`,
      );
      return undefined;
    }
  };

  const targetOf = (job: ClaimedJob, feedback: Feedback): CommitTarget => {
    const [owner, repo] = feedback.repository.name.split('/') as [string, string];
    const base = feedback.repository.github.statusUrl;
    return {
      owner,
      repo,
      sha: job.sha,
      buildUuid: job.environment.buildUuid,
      name: feedback.repository.github.name,
      link:
        base === undefined
          ? undefined
          : `${base}${environmentPagePath(job.environment.buildUuid, feedback.repository.name)}`,
    };
  };

  const writeComment = async (
    octokit: GitHubOctokit,
    job: ClaimedJob,
    feedback: Feedback,
    state: FeedbackState,
    report?: BuildReport,
  ) => {
    const target = targetOf(job, feedback);
    const key = `${target.owner}/${target.repo}\n${target.buildUuid}`;
    const appId = feedback.client.appId;
    let login: string | undefined;
    if (appId === undefined) {
      login = (await octokit.request('GET /user')).data.login;
    }
    const commentTarget: CommentTarget = {
      owner: target.owner,
      repo: target.repo,
      pullRequest: job.environment.pullRequestNumber ?? 0,
      marker: commentMarker(target.buildUuid),
      isOurs: (comment) =>
        appId !== undefined ? comment.performed_via_github_app?.id === appId : comment.user?.login === login,
    };
    const body = environmentComment({
      buildUuid: target.buildUuid,
      state,
      sha: job.sha,
      buildId: job.buildId,
      ...(report !== undefined && { services: report.services }),
      ...(target.link !== undefined && { link: target.link }),
    });
    comments.set(key, await upsertComment(octokit, commentTarget, body, comments.get(key)));
  };

  return {
    started(job) {
      if (job.kind === 'down') return;
      enqueue(job, async (feedback) => {
        const github = feedback.repository.github;
        const target = targetOf(job, feedback);
        if (github.report === 'check-run') {
          const id = await attempt(job, 'check-run', (octokit) =>
            createCheckRun(octokit, target, `${target.buildUuid}:${job.buildId}`, stateSummary('queued')),
          );
          if (id !== undefined) checkRuns.set(job.buildId, id);
        } else if (github.report === 'commit-status') {
          await attempt(job, 'commit-status', (octokit) =>
            postCommitStatus(octokit, target, 'pending', stateSummary('queued')),
          );
        }
        if (github.deployments) {
          const pullRequest = job.environment.pullRequestNumber ?? 0;
          const id = await attempt(job, 'deployment', (octokit) =>
            createDeployment(octokit, target, pullRequest),
          );
          if (id !== undefined) {
            deployments.set(job.buildId, id);
            await attempt(job, 'deployment', (octokit) =>
              postDeploymentStatus(octokit, target, id, 'in_progress', stateSummary('building')),
            );
          }
        }
        if (github.comment) {
          await attempt(job, 'comment', (octokit) => writeComment(octokit, job, feedback, 'building'));
        }
      });
    },
    event(job, { event }) {
      if (job.kind === 'down' || event.type !== 'started' || inProgress.has(job.buildId)) return;
      inProgress.add(job.buildId);
      enqueue(job, async (feedback) => {
        const id = checkRuns.get(job.buildId);
        if (id === undefined) return;
        await attempt(job, 'check-run', (octokit) =>
          updateCheckRun(octokit, targetOf(job, feedback), id, {
            title: stateSummary('building'),
            summary: `Environment \`${job.environment.buildUuid}\`: building.`,
          }),
        );
      });
    },
    finished(job, outcome) {
      inProgress.delete(job.buildId);
      if (job.kind === 'down') {
        // Retired even when an image could not be deleted (that is garbage for gc, not an environment);
        // a superseded or interrupted teardown is not over.
        if (outcome.status !== 'succeeded' && outcome.status !== 'failed') return;
        enqueue(job, async (feedback) => {
          const target = targetOf(job, feedback);
          if (feedback.repository.github.deployments) {
            await attempt(job, 'deployment', (octokit) => deactivateDeployments(octokit, target));
          }
          if (feedback.repository.github.comment) {
            await attempt(job, 'comment', (octokit) => writeComment(octokit, job, feedback, 'torn-down'));
          }
          // The environment is gone: a long-running server keeps no comment id per environment it had.
          comments.delete(`${target.owner}/${target.repo}\n${target.buildUuid}`);
        });
        return;
      }
      enqueue(job, (feedback) => finishBuild(job, outcome, feedback));
    },
    async idle() {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
  };

  async function finishBuild(job: ClaimedJob, outcome: JobOutcome, feedback: Feedback) {
    const github = feedback.repository.github;
    const target = targetOf(job, feedback);
    const report = outcome.report !== undefined && 'services' in outcome.report ? outcome.report : undefined;
    const state = feedbackStateOf(outcome);
    const summary = stateSummary(state, report?.services);
    const checkRun = checkRuns.get(job.buildId);
    checkRuns.delete(job.buildId);
    if (github.report === 'check-run' && checkRun !== undefined) {
      await attempt(job, 'check-run', (octokit) =>
        updateCheckRun(octokit, target, checkRun, {
          conclusion: checkConclusion[state],
          title: summary,
          summary: `Environment \`${target.buildUuid}\`: ${summary}.`,
        }),
      );
    } else if (github.report === 'commit-status') {
      await attempt(job, 'commit-status', (octokit) =>
        postCommitStatus(octokit, target, commitState[state], summary),
      );
    }
    const deployment = deployments.get(job.buildId);
    deployments.delete(job.buildId);
    if (deployment !== undefined) {
      await attempt(job, 'deployment', (octokit) =>
        postDeploymentStatus(octokit, target, deployment, deploymentState[state], summary),
      );
    }
    if (github.comment) {
      await attempt(job, 'comment', (octokit) => writeComment(octokit, job, feedback, state, report));
    }
  }
}
