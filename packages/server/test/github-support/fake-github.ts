import { createPublicKey, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  exampleOf,
  type GitHubAnswer,
  type GitHubRequest,
  startValidatingGitHub,
  type ValidatingGitHub,
} from './validating-github.js';

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  external_id: string | null;
  output: { title?: string; summary?: string } | undefined;
}

export interface StoredComment {
  id: number;
  body: string;
  login: string;
  /** The App that wrote it (its id), or null for a user's comment. */
  appId: number | null;
  issue: number;
}

export interface StoredDeployment {
  id: number;
  environment: string;
  ref: string;
  transient: boolean;
  statuses: string[];
}

export interface FakeGitHubOptions {
  /** Authenticate as this App: installation tokens are issued for JWTs its key signed. */
  app?: { appId: number; installationId: number; publicKey: KeyObject };
  /** Or a token (and the user it belongs to). */
  token?: { value: string; login: string };
}

/** What a repository's pull requests look like on GitHub, kept by the validating mock's handlers. */
export interface FakeGitHub extends ValidatingGitHub {
  checkRuns: StoredCheckRun[];
  statuses: Array<{ sha: string; state: string; context: string; target_url: string | null }>;
  comments: StoredComment[];
  deployments: StoredDeployment[];
  tokensIssued: number;
  /** Requests whose credentials GitHub would refuse (wrong token, a JWT not signed by the App's key). */
  authProblems: string[];
  /** Answers the next requests of an operation with these (rate limits, 5xx) before handling it. */
  failNext(operationId: string, ...answers: GitHubAnswer[]): void;
  /** A comment by someone else (a pull request's author), e.g. one quoting the marker. */
  addForeignComment(issue: number, body: string): StoredComment;
}

export const appLogin = 'deployer-preview[bot]';

/** An RSA key pair for a test's GitHub App, made now (never a key checked into the repository). */
export function appKeyPair(): { privateKeyPem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })),
  };
}

function verifyJwt(jwt: string, publicKey: KeyObject): { iss?: unknown; exp?: number } | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return undefined;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const mock = await startValidatingGitHub();
  let nextId = 1000;
  const issuedTokens = new Set<string>();
  const pending = new Map<string, GitHubAnswer[]>();
  const appExample = exampleOf('apps/get-authenticated');
  const fake = Object.assign(mock, {
    checkRuns: [] as StoredCheckRun[],
    statuses: [] as FakeGitHub['statuses'],
    comments: [] as StoredComment[],
    deployments: [] as StoredDeployment[],
    tokensIssued: 0,
    authProblems: [] as string[],
    failNext(operationId: string, ...answers: GitHubAnswer[]) {
      pending.set(operationId, [...(pending.get(operationId) ?? []), ...answers]);
    },
    addForeignComment(issue: number, body: string) {
      const comment = { id: nextId++, body, login: 'a-stranger', appId: null, issue };
      fake.comments.push(comment);
      return comment;
    },
  });

  /** The installation token or the configured token, as GitHub would check it. */
  const authorized = (request: GitHubRequest): boolean => {
    const header = request.headers.authorization ?? '';
    const token = header.replace(/^(token|bearer) /i, '');
    const ok = options.app !== undefined ? issuedTokens.has(token) : token === options.token?.value;
    if (!ok)
      fake.authProblems.push(
        `${request.operationId}: ${header === '' ? 'no credentials' : 'refused credentials'}`,
      );
    return ok;
  };
  const appAuthorized = (request: GitHubRequest): boolean => {
    const app = options.app;
    const jwt = (request.headers.authorization ?? '').replace(/^bearer /i, '');
    const claims = app !== undefined ? verifyJwt(jwt, app.publicKey) : undefined;
    const ok = claims !== undefined && String(claims.iss) === String(app?.appId);
    if (!ok) fake.authProblems.push(`${request.operationId}: not a JWT of the App`);
    return ok;
  };
  const unauthorized = {
    status: 401,
    body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
  };

  const handle = (operationId: string, app: boolean, handler: (request: GitHubRequest) => GitHubAnswer) =>
    mock.handle(operationId, (request) => {
      const queued = pending.get(operationId);
      if (queued !== undefined && queued.length > 0) return queued.shift()!;
      if (!(app ? appAuthorized(request) : authorized(request))) return unauthorized;
      return handler(request);
    });

  handle('apps/get-repo-installation', true, () => ({
    body: { ...exampleOf('apps/get-repo-installation'), id: options.app?.installationId ?? 1 },
  }));
  handle('apps/create-installation-access-token', true, (request) => {
    if (Number(request.params.installation_id) !== options.app?.installationId)
      return { status: 404, body: { message: 'Not Found' } };
    const token = `ghs_${String(++fake.tokensIssued).padStart(36, '0')}`;
    issuedTokens.add(token);
    const expires = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      status: 201,
      body: { ...exampleOf('apps/create-installation-access-token'), token, expires_at: expires },
    };
  });
  handle('users/get-authenticated', false, () => ({
    body: { ...exampleOf('users/get-authenticated'), login: options.token?.login ?? 'nobody' },
  }));

  const checkRunBody = (run: StoredCheckRun) => ({
    ...exampleOf('checks/create'),
    id: run.id,
    name: run.name,
    head_sha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion,
    details_url: run.details_url,
    external_id: run.external_id,
  });
  handle('checks/create', false, (request) => {
    const body = request.body as Record<string, unknown>;
    const run: StoredCheckRun = {
      id: nextId++,
      name: String(body.name),
      head_sha: String(body.head_sha),
      status: String(body.status ?? 'queued'),
      conclusion: (body.conclusion as string | undefined) ?? null,
      details_url: (body.details_url as string | undefined) ?? null,
      external_id: (body.external_id as string | undefined) ?? null,
      output: body.output as StoredCheckRun['output'],
    };
    fake.checkRuns.push(run);
    return { status: 201, body: checkRunBody(run) };
  });
  handle('checks/update', false, (request) => {
    const run = fake.checkRuns.find((candidate) => candidate.id === Number(request.params.check_run_id));
    if (run === undefined) return { status: 404, body: { message: 'Not Found' } };
    const body = request.body as Record<string, unknown>;
    if (body.status !== undefined) run.status = String(body.status);
    if (body.conclusion !== undefined) {
      run.conclusion = String(body.conclusion);
      run.status = 'completed';
    }
    if (body.output !== undefined) run.output = body.output as StoredCheckRun['output'];
    return { body: checkRunBody(run) };
  });
  handle('repos/create-commit-status', false, (request) => {
    const body = request.body as { state: string; context?: string; target_url?: string };
    fake.statuses.push({
      sha: request.params.sha!,
      state: body.state,
      context: body.context ?? 'default',
      target_url: body.target_url ?? null,
    });
    return { status: 201, body: { ...exampleOf('repos/create-commit-status'), state: body.state } };
  });

  const commentBody = (comment: StoredComment) => ({
    ...exampleOf('issues/get-comment'),
    id: comment.id,
    body: comment.body,
    user: {
      ...(exampleOf('issues/get-comment').user as object),
      login: comment.login,
      type: comment.appId ? 'Bot' : 'User',
    },
    performed_via_github_app: comment.appId === null ? null : { ...appExample, id: comment.appId },
  });
  handle('issues/list-comments', false, (request) => {
    const perPage = Number(request.query.per_page ?? 30);
    const page = Number(request.query.page ?? 1);
    const all = fake.comments.filter((comment) => comment.issue === Number(request.params.issue_number));
    return { body: all.slice((page - 1) * perPage, page * perPage).map(commentBody) };
  });
  handle('issues/create-comment', false, (request) => {
    const comment: StoredComment = {
      id: nextId++,
      body: (request.body as { body: string }).body,
      login: options.app !== undefined ? appLogin : (options.token?.login ?? 'nobody'),
      appId: options.app?.appId ?? null,
      issue: Number(request.params.issue_number),
    };
    fake.comments.push(comment);
    return { status: 201, body: commentBody(comment) };
  });
  handle('issues/update-comment', false, (request) => {
    const comment = fake.comments.find((candidate) => candidate.id === Number(request.params.comment_id));
    if (comment === undefined) return { status: 404, body: { message: 'Not Found' } };
    comment.body = (request.body as { body: string }).body;
    return { body: commentBody(comment) };
  });
  handle('issues/delete-comment', false, (request) => {
    const index = fake.comments.findIndex((candidate) => candidate.id === Number(request.params.comment_id));
    if (index < 0) return { status: 404, body: { message: 'Not Found' } };
    fake.comments.splice(index, 1);
    return { status: 204 };
  });

  const deploymentBody = (deployment: StoredDeployment) => ({
    ...exampleOf('repos/get-deployment'),
    id: deployment.id,
    environment: deployment.environment,
    ref: deployment.ref,
    sha: deployment.ref,
    transient_environment: deployment.transient,
  });
  handle('repos/create-deployment', false, (request) => {
    const body = request.body as { ref: string; environment?: string; transient_environment?: boolean };
    const deployment: StoredDeployment = {
      id: nextId++,
      environment: body.environment ?? 'production',
      ref: body.ref,
      transient: body.transient_environment ?? false,
      statuses: [],
    };
    fake.deployments.push(deployment);
    return { status: 201, body: deploymentBody(deployment) };
  });
  handle('repos/list-deployments', false, (request) => ({
    body: fake.deployments
      .filter(
        (deployment) =>
          request.query.environment === undefined || deployment.environment === request.query.environment,
      )
      .map(deploymentBody),
  }));
  handle('repos/create-deployment-status', false, (request) => {
    const deployment = fake.deployments.find(
      (candidate) => candidate.id === Number(request.params.deployment_id),
    );
    if (deployment === undefined) return { status: 404, body: { message: 'Not Found' } };
    const state = (request.body as { state: string }).state;
    deployment.statuses.push(state);
    return { status: 201, body: { ...exampleOf('repos/create-deployment-status'), state } };
  });
  return fake;
}
