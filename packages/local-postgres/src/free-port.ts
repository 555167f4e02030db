import { createServer } from 'node:net';

/**
 * Asks the kernel for a free loopback port. Another process may take it before postgres binds it, so the
 * caller retries on "address already in use". (local-registry has its own: this layer may not import it.)
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
