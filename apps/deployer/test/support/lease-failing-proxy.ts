import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LeaseFailingProxy {
  /** `127.0.0.1:PORT`: use it as the registry host. */
  host: string;
  /** While true, every request for a lease (`…/lease` repositories, `lease-…` tags) is answered 503. */
  failLeases: boolean;
  /** How many lease requests were refused. */
  refused: number;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real registry that can make every lease request fail, as an outage of
 * the lease alone would. A run that cannot reach its lease builds without that protection (it warns), so
 * two runs of one environment then build at once, and only the run-scoped cache exports keep them apart.
 */
export async function startLeaseFailingProxy(target: string): Promise<LeaseFailingProxy> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const state: Omit<LeaseFailingProxy, 'host' | 'close'> = { failLeases: false, refused: 0 };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    if (state.failLeases && /\/lease\/|\/manifests\/lease-/.test(path)) {
      state.refused += 1;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'lease outage (injected)' }] }));
      return;
    }
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path, headers: req.headers },
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
  return Object.assign(state, {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
