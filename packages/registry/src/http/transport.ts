import { request as httpRequest, type IncomingMessage } from 'node:http';
import { CodedError } from '@deployer/contracts';

/*
 * One HTTP exchange over `node:http` / `node:https`, redirects followed as `fetch` follows them. Not
 * `fetch`: Node's fetch is undici, whose loading (and its WebAssembly HTTP parser's) cost a short-lived
 * CLI more than the few requests it makes. `node:https` loads only when a URL asks for it; both use
 * Node's keep-alive global agents (idle sockets do not hold the process open) and Node's CA store
 * (NODE_EXTRA_CA_CERTS honoured), as fetch does.
 */

export interface OutgoingRequest {
  method?: string;
  /** Lower-case names. */
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** Response headers read as `fetch`'s `Headers.get` reads them: any case, repeated ones joined by `, `. */
export class ResponseHeaders {
  readonly #values = new Map<string, string>();

  constructor(rawHeaders: readonly string[] = []) {
    for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
      const name = (rawHeaders[index] as string).toLowerCase();
      const value = rawHeaders[index + 1] as string;
      const previous = this.#values.get(name);
      this.#values.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }
}

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

/** A failure before a whole response arrived; `code` is Node's (ECONNREFUSED, CERT_HAS_EXPIRED, …). */
export class TransportError extends CodedError<string> {
  override readonly name = 'TransportError';

  constructor(message: string, code: string) {
    super(code, message);
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** fetch's limit. */
const MAX_REDIRECTS = 20;
/** Methods whose request Node would otherwise send chunked when they carry no body: fetch sends a length. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Dropped when a redirect turns the request into a GET (fetch's "request-body-header names"). */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type'];

/**
 * Sends the request, follows redirects (at most 20; 303, and 301/302 after a POST, become a body-less
 * GET; a redirect to another origin drops the `authorization` header, as fetch does) and reads the whole
 * body (none for HEAD). Rejects with the signal's reason once it aborts, with a TransportError otherwise.
 */
export async function exchange(
  url: URL,
  request: OutgoingRequest,
  signal: AbortSignal,
): Promise<TransportResponse> {
  let current = url;
  let method = (request.method ?? 'GET').toUpperCase();
  let body = request.body;
  const headers: Record<string, string> = { accept: '*/*', ...request.headers };
  for (let redirects = 0; ; redirects++) {
    const response = await exchangeOnce(current, method, headers, body, signal);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) {
      return { ...response, url: current.href };
    }
    if (redirects === MAX_REDIRECTS) {
      throw new TransportError(`more than ${MAX_REDIRECTS} redirects from ${url.host}`, 'TOO_MANY_REDIRECTS');
    }
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new TransportError(`redirect to unsupported ${next.protocol} URL`, 'UNSUPPORTED_REDIRECT');
    }
    const becomesGet =
      (response.status === 303 && method !== 'GET' && method !== 'HEAD') ||
      ((response.status === 301 || response.status === 302) && method === 'POST');
    if (becomesGet) {
      method = 'GET';
      body = undefined;
      for (const name of BODY_HEADERS) delete headers[name];
    }
    if (next.origin !== current.origin) delete headers.authorization;
    current = next;
  }
}

async function exchangeOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | string | undefined,
  signal: AbortSignal,
): Promise<Omit<TransportResponse, 'url'>> {
  signal.throwIfAborted();
  // node:https (TLS) loads only for an https registry; getBuiltinModule, not import(), so that code run
  // as a script (the deployer command's cached bundle) needs no ES module loader for it.
  const send = url.protocol === 'https:' ? process.getBuiltinModule('node:https').request : httpRequest;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const outgoing =
    payload !== undefined || BODY_METHODS.has(method)
      ? { ...headers, 'content-length': String(payload?.byteLength ?? 0) }
      : headers;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown) => settle(() => reject(toTransportError(error)));
    const onAbort = () => {
      settle(() => reject(signal.reason));
      outgoingRequest.destroy();
    };
    const outgoingRequest = send(url, { method, headers: outgoing }, (response: IncomingMessage) => {
      const responseHeaders = new ResponseHeaders(response.rawHeaders);
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      if (method !== 'HEAD') response.on('data', (chunk: Buffer) => chunks.push(chunk));
      else response.resume();
      response.on('error', fail);
      response.on('end', () =>
        settle(() => resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) })),
      );
      response.on('close', () => {
        if (!response.complete) fail(new TransportError('connection closed mid-response', 'ECONNRESET'));
      });
    });
    signal.addEventListener('abort', onAbort, { once: true });
    outgoingRequest.on('error', fail);
    outgoingRequest.end(payload);
  });
}

function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(message, typeof code === 'string' ? code : 'CONNECTION');
}
