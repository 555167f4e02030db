import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { description, type Operation, pointer, resolveRef, typed, validator } from './github-description.js';

// A loopback "GitHub" that checks every request against GitHub's published OpenAPI description
// (@octokit/openapi, api.github.com): the operation must exist for the method and path, its path and
// query parameters and JSON body must match their schemas (ajv, formats included). Prism would do the
// same as a process, but needs Node >= 24.18 and CI runs Node 20 too (see the README's "GitHub feedback").

export interface GitHubRequest {
  operationId: string;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface GitHubAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type GitHubHandler = (request: GitHubRequest) => GitHubAnswer | Promise<GitHubAnswer>;

export interface ValidatingGitHub {
  /** The API's base URL (a server config's `github.apiUrl`). */
  url: string;
  /** Every request that matched an operation, in order. */
  requests: GitHubRequest[];
  /** What did not conform to GitHub's description: an unknown path or method, a parameter or a body. */
  problems: string[];
  /** Answers an operation (by its operationId, e.g. `checks/create`); otherwise its example answers. */
  handle(operationId: string, handler: GitHubHandler): void;
  /** Every request answered with a connection reset (GitHub unreachable) while true. */
  down: boolean;
  close(): Promise<void>;
}

function checkRequest(operation: Operation, request: GitHubRequest): string[] {
  const problems: string[] = [];
  const where = `${request.method} ${request.path} (${operation.operationId})`;
  // Each parameter's schema by its place in the description: a shared one's ($ref) or the operation's own.
  const parameters = (operation.spec.parameters ?? []).map((entry, index) => ({
    ...resolveRef(entry),
    schemaRef:
      entry.$ref !== undefined
        ? `github${entry.$ref}/schema`
        : pointer('paths', operation.template, operation.method.toLowerCase(), 'parameters', index, 'schema'),
  }));
  for (const parameter of parameters.filter((p) => p.in === 'path')) {
    const value = request.params[parameter.name];
    const validate = validator(parameter.schemaRef);
    if (value === undefined || !validate(typed(value, parameter.schema))) {
      problems.push(`${where}: path parameter ${parameter.name}=${value} ${JSON.stringify(validate.errors)}`);
    }
  }
  const queries = new Map(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
  for (const [name, value] of Object.entries(request.query)) {
    const parameter = queries.get(name);
    if (parameter === undefined) {
      problems.push(`${where}: unknown query parameter ${name}`);
      continue;
    }
    const validate = validator(parameter.schemaRef);
    if (!validate(typed(value, parameter.schema))) {
      problems.push(`${where}: query ${name}=${value} ${JSON.stringify(validate.errors)}`);
    }
  }
  const body = operation.spec.requestBody;
  const json = body?.content?.['application/json'];
  if (json !== undefined && request.body !== undefined) {
    const validate = validator(
      pointer(
        'paths',
        operation.template,
        operation.method.toLowerCase(),
        'requestBody',
        'content',
        'application/json',
        'schema',
      ),
    );
    if (!validate(request.body)) problems.push(`${where}: body ${JSON.stringify(validate.errors)}`);
  } else if (body?.required === true && request.body === undefined) {
    problems.push(`${where}: the operation requires a body`);
  } else if (json === undefined && request.body !== undefined) {
    problems.push(`${where}: the operation takes no JSON body`);
  }
  if (typeof request.headers.authorization !== 'string') problems.push(`${where}: no Authorization header`);
  return problems;
}

/** The operation's first success answer as GitHub's description exemplifies it. */
function exampleAnswer(operation: Operation): { status: number; body: unknown } {
  const [status, response] = Object.entries(operation.spec.responses).find(([code]) =>
    code.startsWith('2'),
  ) ?? ['200', {}];
  const content = resolveRef(response).content?.['application/json'];
  const example = content?.examples !== undefined ? Object.values(content.examples)[0] : undefined;
  const value = example !== undefined ? (resolveRef(example) as { value?: unknown }).value : undefined;
  return { status: Number(status), body: value };
}

/** Answers a success body checked against the operation's response schema: the mock never lies about GitHub. */
export function checkAnswer(operationId: string, status: number, body: unknown): string | undefined {
  const operation = description().operations.find((candidate) => candidate.operationId === operationId);
  if (operation === undefined) return `no operation ${operationId}`;
  if (!operation.spec.responses[String(status)]?.content?.['application/json'] && body === undefined)
    return undefined;
  if (operation.spec.responses[String(status)] === undefined) return undefined;
  const validate = validator(
    pointer(
      'paths',
      operation.template,
      operation.method.toLowerCase(),
      'responses',
      String(status),
      'content',
      'application/json',
      'schema',
    ),
  );
  return validate(body)
    ? undefined
    : `${operationId} ${status} answer: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
}

/** An example body of an operation's success answer, to build a handler's answer on. */
export function exampleOf(operationId: string): Record<string, unknown> {
  const operation = description().operations.find((candidate) => candidate.operationId === operationId);
  if (operation === undefined) throw new Error(`no operation ${operationId}`);
  return structuredClone(exampleAnswer(operation).body) as Record<string, unknown>;
}

export async function startValidatingGitHub(): Promise<ValidatingGitHub> {
  const { operations } = description();
  const handlers = new Map<string, GitHubHandler>();
  const github: Omit<ValidatingGitHub, 'url' | 'close'> = {
    requests: [],
    problems: [],
    down: false,
    handle: (operationId, handler) => {
      if (!operations.some((operation) => operation.operationId === operationId)) {
        throw new Error(`GitHub's description has no operation ${operationId}`);
      }
      handlers.set(operationId, handler);
    },
  };
  const server = createServer(async (req, res) => {
    if (github.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://github.test');
    const method = req.method ?? 'GET';
    const matched = operations
      .filter((candidate) => candidate.method === method)
      .map((candidate) => ({ candidate, match: candidate.pattern.exec(url.pathname) }))
      .find(({ match }) => match !== null);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (matched === undefined) {
      github.problems.push(`${method} ${url.pathname}: no such operation in GitHub's description`);
      answer(404, { message: 'Not Found' });
      return;
    }
    const { candidate: operation, match } = matched;
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      github.problems.push(`${method} ${url.pathname}: the body is not JSON`);
    }
    const request: GitHubRequest = {
      operationId: operation.operationId,
      method,
      path: url.pathname,
      params: Object.fromEntries(
        operation.names.map((name, index) => [name, decodeURIComponent(match![index + 1]!)]),
      ),
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
    };
    github.requests.push(request);
    github.problems.push(...checkRequest(operation, request));
    const handler = handlers.get(operation.operationId);
    try {
      const given: GitHubAnswer = handler !== undefined ? await handler(request) : exampleAnswer(operation);
      const status = given.status ?? exampleAnswer(operation).status;
      if (status < 300) {
        const problem = checkAnswer(operation.operationId, status, given.body);
        if (problem !== undefined) github.problems.push(`the mock's own ${problem}`);
      }
      answer(status, given.body, given.headers);
    } catch (error) {
      github.problems.push(`the mock failed on ${operation.operationId}: ${(error as Error).message}`);
      answer(500, { message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(github, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
