import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request instead of passing it on unchanged. */
export type ProxyAnswer =
  /** Pass it on with this path (and query) instead. */
  | { forward: string }
  /** Answer it here, in the registry's JSON error shape unless `body` is given. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Never answer: the client's timeout must fire. */
  | 'hang'
  /** Drop the connection. */
  | 'reset';

/** Decides per request; undefined passes the request on unchanged. */
export type ProxyIntercept = (request: { method: string; path: string }) => ProxyAnswer | undefined;

export interface RegistryProxy {
  /** `127.0.0.1:PORT`: use it as the registry's host. */
  host: string;
  /** Method and path (with query) of every request that reached the proxy, in order. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a registry (`host:port`), for tests: it can answer, delay, drop or
 * rewrite chosen requests — registry faults and behaviours a healthy local registry never shows by itself
 * (5xx and 429, hangs, resets, a registry that refuses cross-repository mounts, a lease outage).
 */
export async function startRegistryProxy(
  target: string,
  intercept: ProxyIntercept = () => undefined,
): Promise<RegistryProxy> {
  const seen: string[] = [];
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    seen.push(`${method} ${path}`);
    const answer = intercept({ method, path });
    if (answer === 'hang') return;
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    if (answer !== undefined && 'status' in answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(
        answer.body ??
          JSON.stringify({
            errors: [{ code: answer.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: 'injected' }],
          }),
      );
      return;
    }
    const upstream = request(
      {
        host: targetHost,
        port: Number(targetPort),
        method,
        path: answer?.forward ?? path,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
