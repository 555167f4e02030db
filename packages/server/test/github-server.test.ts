import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type RunningServer, startServer } from '../src/index.js';
import { appKeyPair, type FakeGitHub, startFakeGitHub } from './github-support/fake-github.js';
import { configWithGitHub } from './github-support/feedback-harness.js';
import { example, secret, signedRequest } from './helpers/deliveries.js';

// End to end through `startServer`: signed webhook deliveries in, the worker's jobs, and GitHub feedback
// out to the validating mock. The builds need no engine here: the clone URL leads nowhere, so each job
// fails at its checkout (a failing build is feedback too); what is checked is what GitHub hears.

const keys = appKeyPair();
let folder = '';
let github: FakeGitHub;
let server: RunningServer;
const lines: Array<Record<string, unknown>> = [];

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function post(event: string, payload: unknown) {
  const { headers, rawBody } = await signedRequest(event, JSON.stringify(payload));
  const response = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body: rawBody });
  expect(response.status).toBe(202);
  return (await response.json()) as { buildUuid?: string };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'deployer-github-server-'));
  github = await startFakeGitHub({ app: { appId: 99, installationId: 5, publicKey: keys.publicKey } });
  const config = configWithGitHub({
    appId: 99,
    privateKeyEnv: 'GITHUB_APP_KEY',
    apiUrl: github.url,
    statusUrl: 'https://deployer.example.com',
    deployments: true,
  });
  config.repositories[0]!.cloneUrl = `file://${join(folder, 'missing.git')}`;
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  server = await startServer({
    config,
    stateDir: join(folder, 'state'),
    workDir: join(folder, 'work'),
    host: '127.0.0.1',
    port: 0,
    webhookSecret: secret,
    replica: 'github-test',
    pollMs: 50,
    ports: {
      engineFor: () => Promise.reject(new Error('no engine in this test')),
      registryFor: () => {
        throw new Error('no registry in this test');
      },
    },
    env: {},
    githubCredentialsEnv: { GITHUB_APP_KEY: keys.privateKeyPem },
    logger: createLogger({ level: 'debug', destination }),
  });
});

afterAll(async () => {
  await server?.stop(5000);
  await github?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('GitHub feedback through the server', () => {
  it('signed webhook → job → check run, deployment and comment → close → deployment inactive', async () => {
    const opened = example('pull_request', 'opened');
    const { buildUuid } = await post('pull_request', opened);
    expect(buildUuid).toBeDefined();
    const sha = opened.pull_request.head.sha as string;

    const run = await until('the check run to complete', () =>
      github.checkRuns.find((candidate) => candidate.status === 'completed'),
    );
    expect(run).toMatchObject({
      head_sha: sha,
      conclusion: 'failure',
      details_url: `https://deployer.example.com/environments/${buildUuid}?repository=Codertocat%2FHello-World`,
    });
    await until('the failed comment', () =>
      github.comments.find((comment) => comment.body.includes('❌ failed')),
    );
    expect(github.comments).toHaveLength(1);
    const comment = github.comments[0]!;
    expect(comment.issue).toBe(opened.number);
    expect(comment.body.startsWith(`<!-- deployer:environment ${buildUuid} -->`)).toBe(true);
    // The job's error names the clone URL and git's words: failure text, never in the public comment.
    expect(comment.body).not.toContain('missing.git');
    await until('the deployment to fail', () =>
      github.deployments[0]?.statuses.includes('failure') ? true : undefined,
    );
    expect(github.deployments[0]).toMatchObject({ environment: buildUuid, ref: sha, transient: true });

    const closed = example('pull_request', 'closed');
    closed.number = opened.number;
    closed.pull_request.number = opened.number;
    closed.pull_request.merged = false;
    await post('pull_request', closed);
    await until('the deployment to go inactive', () =>
      github.deployments[0]?.statuses.at(-1) === 'inactive' ? true : undefined,
    );
    expect(github.deployments[0]?.statuses).toEqual(['in_progress', 'failure', 'inactive']);
    await until('the torn-down comment', () => (comment.body.includes('🧹 torn down') ? true : undefined));
    expect(github.comments).toHaveLength(1);
    expect(github.problems).toEqual([]);
    expect(github.authProblems).toEqual([]);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/deployer_github_requests_total\{kind="check-run",outcome="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/deployer_github_requests_total\{kind="deployment",outcome="succeeded"\} [1-9]/);
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');
  });
});
