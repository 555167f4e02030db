import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { status: number; headers?: Record<string, string> } | 'hang' | 'reset' | 'pass';

export interface FlakyProxy {
  host: string;
  /** Faults served, in order, to the next requests instead of forwarding them. */
  faults: Fault[];
  /** Method + path of every request that reached the proxy. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real registry that can answer the next requests with 429/5xx, hang,
 * or drop the connection: network conditions a healthy local registry never produces by itself.
 */
export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const faults: Fault[] = [];
  const seen: string[] = [];
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const fault = faults.shift();
    if (fault === 'hang') return; // never answers; the client's timeout must fire
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault && fault !== 'pass') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(
        JSON.stringify({
          errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: 'injected' }],
        }),
      );
      return;
    }
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
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
    faults,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
