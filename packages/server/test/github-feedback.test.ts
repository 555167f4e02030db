import { afterEach, describe, expect, it } from 'vitest';
import { metricNames } from '../src/metrics/index.js';
import { appKeyPair, type FakeGitHub, startFakeGitHub } from './github-support/fake-github.js';
import {
  buildOutcome,
  configWithGitHub,
  feedbackFor,
  headSha,
  pullRequestJob,
  service,
} from './github-support/feedback-harness.js';

const keys = appKeyPair();
const appId = 4242;
const installationId = 777;
const statusUrl = 'https://deployer.example.com';
const link = `${statusUrl}/environments/pr-12-abc123?repository=Codertocat%2FHello-World`;

let github: FakeGitHub | undefined;
afterEach(async () => {
  // Every request the feedback sent, checked against GitHub's description: none may be off.
  if (github !== undefined) {
    expect(github.problems).toEqual([]);
    await github.close();
  }
  github = undefined;
});

async function appGitHub() {
  github = await startFakeGitHub({ app: { appId, installationId, publicKey: keys.publicKey } });
  return github;
}

function appConfig(mock: FakeGitHub, extra: Record<string, unknown> = {}) {
  return configWithGitHub({ appId, privateKeyEnv: 'GITHUB_APP_KEY', apiUrl: mock.url, statusUrl, ...extra });
}

const started = { service: 'api', event: { type: 'started' } } as never;

describe('GitHub feedback as a GitHub App', () => {
  it('looks the installation up, and takes a check run from queued to in progress to success', async () => {
    const mock = await appGitHub();
    const { feedback, counter } = await feedbackFor(appConfig(mock), { GITHUB_APP_KEY: keys.privateKeyPem });
    const job = pullRequestJob();
    feedback.started(job);
    await feedback.idle();
    expect(mock.checkRuns).toHaveLength(1);
    expect(mock.checkRuns[0]).toMatchObject({
      name: 'deployer',
      head_sha: headSha,
      status: 'queued',
      details_url: link,
      external_id: `pr-12-abc123:${job.buildId}`,
    });
    feedback.event(job, started);
    feedback.event(job, started);
    await feedback.idle();
    expect(mock.checkRuns[0]?.status).toBe('in_progress');
    feedback.finished(job, buildOutcome('succeeded', [service('api', 'built'), service('web', 'skipped')]));
    await feedback.idle();
    expect(mock.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(mock.checkRuns[0]?.output?.title).toBe('Preview environment built (1 built, 1 skipped)');

    // The App's JWT fetched the installation and one installation token (cached by auth-app) served the rest.
    const operations = mock.requests.map((request) => request.operationId);
    expect(operations.slice(0, 2)).toEqual([
      'apps/get-repo-installation',
      'apps/create-installation-access-token',
    ]);
    expect(
      mock.requests.find((r) => r.operationId === 'apps/create-installation-access-token')?.params,
    ).toEqual({
      installation_id: String(installationId),
    });
    expect(mock.tokensIssued).toBe(1);
    expect(mock.authProblems).toEqual([]);
    // Exactly one in_progress update, though two services started.
    expect(operations.filter((operation) => operation === 'checks/update')).toHaveLength(2);
    expect(await counter(metricNames.githubRequests, { kind: 'check-run', outcome: 'succeeded' })).toBe(3);
  });

  it('keeps one comment per environment: created once, updated in place, found again after a restart', async () => {
    const mock = await appGitHub();
    const env = { GITHUB_APP_KEY: keys.privateKeyPem };
    const config = appConfig(mock, { installationId });
    // A stranger quoting the marker: never taken for the server's own comment.
    const foreign = mock.addForeignComment(12, '<!-- deployer:environment pr-12-abc123 --> mine now');
    const first = await feedbackFor(config, env);
    const job = pullRequestJob();
    first.feedback.started(job);
    first.feedback.finished(
      job,
      buildOutcome('failed', [
        service('api', 'built', { cacheHitRatio: 0.5 }),
        service('web', 'failed', {
          reason: 'step RUN cat /run/secrets/npm failed: ghp_secretvalue',
          failure: { cause: 'build', step: 'RUN cat /run/secrets/npm', logTail: ['ghp_secretvalue'] },
        }),
      ]),
    );
    await first.feedback.idle();
    const ours = mock.comments.filter((comment) => comment.id !== foreign.id);
    expect(ours).toHaveLength(1);
    const body = ours[0]!.body;
    expect(body.startsWith('<!-- deployer:environment pr-12-abc123 -->\n')).toBe(true);
    expect(body).toContain('`pr-12-abc123`: ❌ failed');
    expect(body).toContain(
      `| \`api\` | built | \`registry.example.test/previews/r0/api:c0ffee@sha256:${'a'.repeat(64)}\` | 50% |`,
    );
    expect(body).toContain('| `web` | failed (build) | – | – |');
    expect(body).toContain(`[Status page](${link})`);
    // Never failure text: the reason, the step, the log tail or the job's error.
    expect(body).not.toContain('ghp_secretvalue');
    expect(body).not.toContain('RUN cat');
    expect(foreign.body).toBe('<!-- deployer:environment pr-12-abc123 --> mine now');
    expect(mock.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    // installationId given: no lookup.
    expect(mock.requests.some((request) => request.operationId === 'apps/get-repo-installation')).toBe(false);

    // A restarted server (a new feedback, nothing remembered) finds the comment by its marker.
    const second = await feedbackFor(config, env);
    const next = pullRequestJob();
    second.feedback.started(next);
    await second.feedback.idle();
    second.feedback.finished(
      next,
      buildOutcome('succeeded', [service('api', 'built'), service('web', 'built')]),
    );
    await second.feedback.idle();
    const after = mock.comments.filter((comment) => comment.id !== foreign.id);
    expect(after.map((comment) => comment.id)).toEqual([ours[0]!.id]);
    expect(after[0]!.body).toContain('✅ built');
    expect(mock.requests.filter((request) => request.operationId === 'issues/create-comment')).toHaveLength(
      1,
    );
  });

  it('converges to one comment when two replicas both create one', async () => {
    const mock = await appGitHub();
    const env = { GITHUB_APP_KEY: keys.privateKeyPem };
    const config = appConfig(mock, { installationId, report: 'none' });
    const [a, b] = await Promise.all([feedbackFor(config, env), feedbackFor(config, env)]);
    const job = pullRequestJob();
    a.feedback.started(job);
    b.feedback.started(pullRequestJob());
    await Promise.all([a.feedback.idle(), b.feedback.idle()]);
    expect(mock.requests.filter((request) => request.operationId === 'issues/create-comment')).toHaveLength(
      2,
    );
    expect(mock.comments).toHaveLength(1);
    // Both now write the survivor.
    a.feedback.finished(job, buildOutcome('succeeded', [service('api', 'built')]));
    await a.feedback.idle();
    expect(mock.comments).toHaveLength(1);
    expect(mock.comments[0]!.body).toContain('✅ built');
  });

  it('records a deployment per build with the build uuid as environment, inactive once torn down', async () => {
    const mock = await appGitHub();
    const config = appConfig(mock, { installationId, deployments: true });
    const { feedback } = await feedbackFor(config, { GITHUB_APP_KEY: keys.privateKeyPem });
    const job = pullRequestJob();
    feedback.started(job);
    feedback.finished(job, buildOutcome('succeeded', [service('api', 'built')]));
    await feedback.idle();
    expect(mock.deployments).toEqual([
      expect.objectContaining({
        environment: 'pr-12-abc123',
        ref: headSha,
        transient: true,
        statuses: ['in_progress', 'success'],
      }),
    ]);
    const create = mock.requests.find((request) => request.operationId === 'repos/create-deployment');
    expect(create?.body).toMatchObject({
      required_contexts: [],
      auto_merge: false,
      production_environment: false,
    });

    // Torn down (the pull request closed): a fresh instance still finds the deployment by environment.
    const restarted = await feedbackFor(config, { GITHUB_APP_KEY: keys.privateKeyPem });
    const down = pullRequestJob({ kind: 'down' });
    restarted.feedback.started(down);
    restarted.feedback.finished(down, { status: 'succeeded', durationMs: 5 });
    await restarted.feedback.idle();
    expect(mock.deployments[0]?.statuses).toEqual(['in_progress', 'success', 'inactive']);
    expect(mock.comments[0]?.body).toContain('🧹 torn down');
    // The teardown's job id is not a build's: the torn-down comment names none.
    expect(mock.comments[0]?.body).not.toMatch(/· build \d+/);
    // A teardown makes no check run.
    expect(mock.checkRuns).toHaveLength(1);
  });
});

describe('GitHub feedback with a token', () => {
  it('posts commit statuses pending then success, and comments as the token user', async () => {
    github = await startFakeGitHub({ token: { value: 'ghp_tokenvalue', login: 'deployer-bot' } });
    const config = configWithGitHub({
      tokenEnv: 'GITHUB_TOKEN',
      report: 'commit-status',
      apiUrl: github.url,
      statusUrl,
    });
    const { feedback } = await feedbackFor(config, { GITHUB_TOKEN: 'ghp_tokenvalue' });
    const job = pullRequestJob();
    feedback.started(job);
    feedback.finished(job, buildOutcome('succeeded', [service('api', 'built')]));
    await feedback.idle();
    expect(github.statuses.map((status) => [status.sha, status.state, status.context])).toEqual([
      [headSha, 'pending', 'deployer'],
      [headSha, 'success', 'deployer'],
    ]);
    expect(github.statuses[1]?.target_url).toBe(link);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]?.login).toBe('deployer-bot');
    expect(github.authProblems).toEqual([]);
    expect(github.checkRuns).toEqual([]);
  });
});

describe('GitHub being slow, limited or down', () => {
  it('waits out a 429 and a secondary rate limit (retry-after) and then succeeds, counting both', async () => {
    const mock = await appGitHub();
    const config = appConfig(mock, { installationId, comment: false });
    const { feedback, counter, lines } = await feedbackFor(config, { GITHUB_APP_KEY: keys.privateKeyPem });
    mock.failNext(
      'checks/create',
      {
        status: 429,
        headers: {
          'retry-after': '3',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
        },
        body: { message: 'API rate limit exceeded' },
      },
      {
        status: 403,
        headers: { 'retry-after': '2' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        },
      },
    );
    feedback.started(pullRequestJob());
    await feedback.idle();
    expect(mock.checkRuns).toHaveLength(1);
    expect(mock.requests.filter((request) => request.operationId === 'checks/create')).toHaveLength(3);
    expect(await counter(metricNames.githubRateLimits, { limit: 'primary' })).toBe(1);
    expect(await counter(metricNames.githubRateLimits, { limit: 'secondary' })).toBe(1);
    expect(await counter(metricNames.githubRequests, { kind: 'check-run', outcome: 'succeeded' })).toBe(1);
    expect(lines.filter((line) => line.msg === 'github rate limit').map((line) => line.kind)).toEqual([
      'primary',
      'secondary',
    ]);
  });

  it('gives up on a secondary limit that keeps coming, logging and counting the failure', async () => {
    const mock = await appGitHub();
    const config = appConfig(mock, { installationId, comment: false });
    const { feedback, counter, lines } = await feedbackFor(config, { GITHUB_APP_KEY: keys.privateKeyPem });
    const limited = {
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    };
    mock.failNext('checks/create', limited, limited, limited, limited);
    feedback.started(pullRequestJob());
    await feedback.idle();
    // The first try and two retries (rateLimitRetries), then it stops asking.
    expect(mock.requests.filter((request) => request.operationId === 'checks/create')).toHaveLength(3);
    expect(await counter(metricNames.githubRequests, { kind: 'check-run', outcome: 'failed' })).toBe(1);
    const failure = lines.find((line) => line.msg === 'github check-run failed');
    expect(failure).toMatchObject({ status: 403, buildUuid: 'pr-12-abc123', github: 'check-run' });
  });

  it('never delays or fails a build when GitHub is unreachable: observers return at once', async () => {
    const mock = await appGitHub();
    const config = appConfig(mock, { deployments: true });
    const { feedback, counter, lines } = await feedbackFor(config, { GITHUB_APP_KEY: keys.privateKeyPem });
    mock.down = true;
    const job = pullRequestJob();
    const before = performance.now();
    feedback.started(job);
    feedback.event(job, started);
    feedback.finished(job, buildOutcome('succeeded', [service('api', 'built')]));
    expect(performance.now() - before).toBeLessThan(50);
    await feedback.idle();
    expect(
      await counter(metricNames.githubRequests, { kind: 'check-run', outcome: 'failed' }),
    ).toBeGreaterThan(0);
    expect(await counter(metricNames.githubRequests, { kind: 'comment', outcome: 'failed' })).toBeGreaterThan(
      0,
    );
    expect(lines.some((line) => line.msg === 'github comment failed')).toBe(true);
    // Nothing of the key in any line.
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');
    // Back up: the next build's feedback goes through (the failed installation lookup is tried again).
    mock.down = false;
    const next = pullRequestJob();
    feedback.started(next);
    await feedback.idle();
    expect(mock.checkRuns).toHaveLength(1);
  });
});
