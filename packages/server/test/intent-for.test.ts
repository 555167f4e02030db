import { describe, expect, it } from 'vitest';
import { branchBuildUuid } from '../src/config/branch-environment.js';
import { intentFor, WebhookError } from '../src/index.js';
import { config, deliver, example, type Payload } from './helpers/deliveries.js';

// The examples' repository; its default branch is master.
const helloWorld = config([{ name: 'Codertocat/Hello-World', spec: 'deploy/env.yaml' }]);
const gated = (label: string) =>
  config([{ name: 'Codertocat/Hello-World', spec: 'deploy/env.yaml', label, fallback: 'trunk' }]);

async function intent(event: string, payload: Payload, serverConfig = helloWorld) {
  return intentFor(await deliver(event, payload), serverConfig);
}

async function refusal(event: string, payload: Payload, serverConfig = helloWorld): Promise<WebhookError> {
  const error = await intent(event, payload, serverConfig).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return error as WebhookError;
}

const headSha = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

describe('intentFor pull_request', () => {
  it.each(['opened', 'reopened', 'synchronize', 'labeled'])(
    '%s → build-pull-request at the head SHA',
    async (action) => {
      const payload = example('pull_request', action);
      expect(await intent('pull_request', payload)).toEqual({
        repository: 'Codertocat/Hello-World',
        intent: {
          type: 'build-pull-request',
          number: 2,
          headSha,
          title: 'Update the README with new information.',
          labels: payload.pull_request.labels.map((label: { name: string }) => label.name),
          baseRef: 'master',
          headRef: 'changes',
        },
      });
    },
  );

  it('closed without merging → close-pull-request, not merged', async () => {
    expect((await intent('pull_request', example('pull_request', 'closed'))).intent).toEqual({
      type: 'close-pull-request',
      number: 2,
      merged: false,
      baseRef: 'master',
      headRef: 'changes',
    });
  });

  it("a fork's head branch is no branch here: headRef null", async () => {
    const payload = example('pull_request', 'opened');
    payload.pull_request.head.repo.full_name = 'stranger/Hello-World';
    expect((await intent('pull_request', payload)).intent).toMatchObject({
      baseRef: 'master',
      headRef: null,
    });
    payload.pull_request.head.repo = null;
    expect((await intent('pull_request', payload)).intent).toMatchObject({ headRef: null });
  });

  it('refuses a missing base ref or a branch name git refuses, naming the field (400)', async () => {
    const missing = example('pull_request', 'opened');
    delete missing.pull_request.base.ref;
    expect((await refusal('pull_request', missing)).message).toMatch(
      /^pull_request payload: pull_request\.base\.ref: /,
    );
    const spaced = example('pull_request', 'opened');
    spaced.pull_request.head.ref = 'a b';
    expect((await refusal('pull_request', spaced)).message).toBe(
      'pull_request payload: pull_request.head.ref: must be a git branch name',
    );
  });

  it.each(['assigned', 'review_requested', 'converted_to_draft', 'unlabeled'])(
    '%s without a label gate → ignore',
    async (action) => {
      const { intent: result } = await intent('pull_request', example('pull_request', action));
      expect(result).toEqual({ type: 'ignore', reason: `pull_request ${action}: changes no environment` });
    },
  );

  it('names the configured repository as the config writes it (GitHub names are case-insensitive)', async () => {
    const lower = config([{ name: 'codertocat/hello-world', spec: 'env.yaml' }]);
    expect((await intent('pull_request', example('pull_request', 'opened'), lower)).repository).toBe(
      'codertocat/hello-world',
    );
  });

  it('refuses a head SHA that is not a full commit id, naming the field (400)', async () => {
    const payload = example('pull_request', 'synchronize');
    payload.pull_request.head.sha = 'main';
    const error = await refusal('pull_request', payload);
    expect([error.status, error.code]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(error.message).toBe(
      'pull_request payload: pull_request.head.sha: must be a full commit id (40 or 64 hex)',
    );
  });
});

describe('intentFor merged pull requests', () => {
  const mergeSha = 'c4295bd74fb0f4fda03689c3df3f2803b658fd85';
  const mergedInto = (base: string) => {
    const payload = example('pull_request', 'closed');
    payload.pull_request.merged = true;
    payload.pull_request.base.ref = base;
    return payload;
  };
  const branches = config([
    { name: 'Codertocat/Hello-World', spec: 'env.yaml', branches: ['release/*'], mergeHold: '10m' },
  ]);

  it('into the default branch → close held for mergeHold (default 30m), with the merge commit', async () => {
    expect((await intent('pull_request', mergedInto('master'))).intent).toEqual({
      type: 'close-pull-request',
      number: 2,
      merged: true,
      mergeCommitSha: mergeSha,
      baseRef: 'master',
      headRef: 'changes',
      holdSeconds: 1800,
    });
  });

  it('into a listed branch → held; into a branch without an environment → not held', async () => {
    expect((await intent('pull_request', mergedInto('release/1.4'), branches)).intent).toMatchObject({
      merged: true,
      baseRef: 'release/1.4',
      holdSeconds: 600,
    });
    expect((await intent('pull_request', mergedInto('develop'), branches)).intent).toMatchObject({
      merged: true,
      baseRef: 'develop',
      holdSeconds: 0,
    });
  });

  it('refuses a closed payload without merged or with a malformed merge commit (400)', async () => {
    const withoutMerged = example('pull_request', 'closed');
    delete withoutMerged.pull_request.merged;
    const error = await refusal('pull_request', withoutMerged);
    expect([error.status, error.code]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(error.message).toBe('pull_request payload: pull_request.merged: must be true or false');
    const badSha = mergedInto('master');
    badSha.pull_request.merge_commit_sha = 'HEAD';
    expect((await refusal('pull_request', badSha)).message).toBe(
      'pull_request payload: pull_request.merge_commit_sha: must be a full commit id (40 or 64 hex)',
    );
  });
});

describe('intentFor with a label gate', () => {
  it('builds only pull requests that carry the label', async () => {
    const withBug = example('pull_request', 'opened', (p) => p.pull_request.labels.length > 0);
    const withoutLabels = example('pull_request', 'opened', (p) => p.pull_request.labels.length === 0);
    expect((await intent('pull_request', withBug, gated('bug'))).intent.type).toBe('build-pull-request');
    expect((await intent('pull_request', withoutLabels, gated('bug'))).intent).toEqual({
      type: 'ignore',
      reason: 'pull_request opened: pull request #2 lacks the label bug',
    });
    expect((await intent('pull_request', withBug, gated('preview'))).intent).toEqual({
      type: 'ignore',
      reason: 'pull_request opened: pull request #2 lacks the label preview',
    });
  });

  it('labeled with the gate → build; a push to a gated pull request without it → ignore', async () => {
    expect((await intent('pull_request', example('pull_request', 'labeled'), gated('bug'))).intent.type).toBe(
      'build-pull-request',
    );
    const push = example('pull_request', 'synchronize');
    push.pull_request.labels = [];
    expect((await intent('pull_request', push, gated('bug'))).intent.type).toBe('ignore');
  });

  it('unlabeled of the gate → close-pull-request; of another label → ignore', async () => {
    const unlabeled = example('pull_request', 'unlabeled');
    expect((await intent('pull_request', unlabeled, gated('bug'))).intent).toEqual({
      type: 'close-pull-request',
      number: 2,
      merged: false,
    });
    expect((await intent('pull_request', unlabeled, gated('preview'))).intent.type).toBe('ignore');
  });

  it('a label change on a closed pull request neither builds nor closes again', async () => {
    for (const action of ['labeled', 'unlabeled']) {
      const payload = example('pull_request', action);
      payload.pull_request.state = 'closed';
      expect((await intent('pull_request', payload, gated('bug'))).intent).toEqual({
        type: 'ignore',
        reason: `pull_request ${action}: pull request #2 is closed`,
      });
    }
  });

  it('closed → close-pull-request whatever the labels', async () => {
    const closed = example('pull_request', 'closed');
    closed.pull_request.labels = [];
    expect((await intent('pull_request', closed, gated('preview'))).intent.type).toBe('close-pull-request');
  });
});

describe('intentFor push', () => {
  const toMaster = () => example('push', undefined, (p) => p.ref === 'refs/heads/master');

  it('to the default branch → build-fallback of the configured fallback at `after`', async () => {
    const payload = toMaster();
    expect(await intent('push', payload)).toEqual({
      repository: 'Codertocat/Hello-World',
      intent: { type: 'build-fallback', fallback: 'main', sha: payload.after, branch: 'master' },
    });
    expect((await intent('push', payload, gated('bug'))).intent).toEqual({
      type: 'build-fallback',
      fallback: 'trunk',
      sha: payload.after,
      branch: 'master',
    });
  });

  it('deleting the default branch (zero `after`) → ignore', async () => {
    const payload = toMaster();
    payload.after = '0'.repeat(40);
    payload.deleted = true;
    expect((await intent('push', payload)).intent).toEqual({
      type: 'ignore',
      reason: 'push to refs/heads/master: the branch was deleted',
    });
  });

  it('to a tag or another branch → ignore', async () => {
    const tag = example('push', undefined, (p) => p.ref === 'refs/tags/simple-tag' && !/^0+$/.test(p.after));
    expect((await intent('push', tag)).intent).toEqual({
      type: 'ignore',
      reason:
        'push to refs/tags/simple-tag: not the default branch refs/heads/master nor a branch the server config lists',
    });
    const feature = toMaster();
    feature.ref = 'refs/heads/feature';
    expect((await intent('push', feature)).intent.type).toBe('ignore');
  });

  const releases = config([
    { name: 'Codertocat/Hello-World', spec: 'env.yaml', branches: ['master', 'release/*'] },
  ]);

  it('to a listed branch → build-branch of its own environment; the default branch stays the fallback', async () => {
    const payload = toMaster();
    payload.ref = 'refs/heads/release/1.4';
    expect((await intent('push', payload, releases)).intent).toEqual({
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: branchBuildUuid('release/1.4'),
      sha: payload.after,
    });
    expect((await intent('push', toMaster(), releases)).intent).toMatchObject({
      type: 'build-fallback',
      fallback: 'main',
    });
    const unlisted = toMaster();
    unlisted.ref = 'refs/heads/release';
    expect((await intent('push', unlisted, releases)).intent.type).toBe('ignore');
  });

  it('deleting a listed branch → delete-branch; deleting an unlisted one → ignore', async () => {
    const payload = toMaster();
    payload.ref = 'refs/heads/release/1.4';
    payload.after = '0'.repeat(40);
    payload.deleted = true;
    expect((await intent('push', payload, releases)).intent).toEqual({
      type: 'delete-branch',
      branch: 'release/1.4',
      buildUuid: branchBuildUuid('release/1.4'),
    });
    expect((await intent('push', payload)).intent.type).toBe('ignore');
  });

  it('refuses a branch ref git would refuse, naming the field (400)', async () => {
    const payload = toMaster();
    payload.repository.default_branch = 'mas ter';
    expect((await refusal('push', payload)).message).toBe(
      'push payload: repository.default_branch: must be a git branch name',
    );
  });
});

describe('intentFor other events', () => {
  it('ping → ignore', async () => {
    const ping = example('ping', undefined, (p) => p.repository !== undefined);
    ping.repository.full_name = 'Codertocat/Hello-World';
    expect(await intent('ping', ping)).toEqual({
      repository: 'Codertocat/Hello-World',
      intent: { type: 'ignore', reason: 'ping' },
    });
  });

  it('an event the server does not handle → ignore', async () => {
    expect((await intent('issues', example('issues', 'opened'))).intent).toEqual({
      type: 'ignore',
      reason: 'event issues is not handled',
    });
  });

  it('a repository not in the config → 404 naming it', async () => {
    const error = await refusal(
      'ping',
      example('ping', undefined, (p) => p.repository !== undefined),
    );
    expect([error.status, error.code]).toEqual([404, 'UNKNOWN_REPOSITORY']);
    expect(error.message).toBe(
      'repository.full_name: unknown repository Octocoders/Hello-World (not in the server config)',
    );
    const other = config([{ name: 'acme/shop', spec: 'env.yaml' }]);
    expect((await refusal('pull_request', example('pull_request', 'opened'), other)).status).toBe(404);
  });

  it('a payload without a repository → 400 naming the field', async () => {
    const error = await refusal(
      'ping',
      example('ping', undefined, (p) => p.repository === undefined),
    );
    expect([error.status, error.code]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(error.message).toMatch(/^ping payload: repository: /);
  });
});
