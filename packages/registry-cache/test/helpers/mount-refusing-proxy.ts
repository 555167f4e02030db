import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MountRefusingProxy {
  host: string;
  /** Method and path (with query) of every request that reached the proxy. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real registry that behaves like a registry refusing cross-repository
 * mounts: it drops `mount` and `from` from upload POSTs, so the registry opens an ordinary upload session
 * and answers 202, as registries do when they do not mount. Everything else passes unchanged.
 */
export async function startMountRefusingProxy(target: string): Promise<MountRefusingProxy> {
  const seen: string[] = [];
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (req.method === 'POST' && url.searchParams.has('mount')) {
      url.searchParams.delete('mount');
      url.searchParams.delete('from');
    }
    const upstream = request(
      {
        host: targetHost,
        port: Number(targetPort),
        method: req.method,
        path: `${url.pathname}${url.search}`,
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
