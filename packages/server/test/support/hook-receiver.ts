import { writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { execa } from 'execa';

/** A private CA and a certificate for 127.0.0.1 it signed, made by openssl in `dir`. */
export async function makeCertificates(dir: string) {
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execa('openssl', args, { cwd: dir });
  await openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=deployer test CA'].concat([
      '-keyout',
      file('ca-key.pem'),
      '-out',
      file('ca.pem'),
    ]),
  );
  await openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'].concat([
      '-keyout',
      file('key.pem'),
      '-out',
      file('server.csr'),
    ]),
  );
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await openssl(
    ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca-key.pem')].concat([
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file('server.ext'),
      '-out',
      file('cert.pem'),
    ]),
  );
  return { caFile: file('ca.pem'), keyFile: file('key.pem'), certFile: file('cert.pem') };
}

/** What the receiver does with one request: answer with a status (and headers), or drop the connection. */
export type ReceiverAction =
  | { status: number; headers?: Record<string, string>; delayMs?: number }
  | { drop: true };

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature checked as a receiver would: HMAC-SHA256 of the raw body with the shared secret. */
  verified: boolean;
  /** What the receiver did with it. */
  answered: number | 'dropped';
}

/**
 * A real HTTPS receiver on 127.0.0.1 with a certificate of the test's own CA. It verifies every
 * request's signature with the secret, records it, and acts as planned (then answers 204).
 */
export async function startReceiver(options: { keyFile: string; certFile: string; secret: string }) {
  const { readFile } = await import('node:fs/promises');
  const received: ReceivedDelivery[] = [];
  const plan: ReceiverAction[] = [];
  const server: Server = createServer({
    key: await readFile(options.keyFile),
    cert: await readFile(options.certFile),
  });
  server.on('request', (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(request.headers['x-deployer-signature-256'] ?? '');
      const verified = await verify(options.secret, body, signature).catch(() => false);
      const action = plan.shift() ?? { status: 204 };
      received.push({
        headers: request.headers,
        body,
        verified,
        answered: 'drop' in action ? 'dropped' : action.status,
      });
      if ('drop' in action) {
        request.socket.destroy();
        return;
      }
      if (action.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, action.delayMs));
      response.writeHead(action.status, action.headers).end(action.status >= 400 ? 'receiver trouble' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/hooks/deployer`,
    received,
    /** The next requests' answers, in order; after them, 204. */
    plan(...actions: ReceiverAction[]) {
      plan.push(...actions);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
