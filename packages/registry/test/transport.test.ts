import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, TransportError } from '../src/http/transport.js';

// The registry client's HTTP exchange over node:http, against real loopback servers: what fetch did for it
// (redirects, header handling, abort) it must still do.

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server that records every request and answers with `handle`. */
async function serve(handle: (request: Seen, response: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      handle(entry, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const never = new AbortController().signal;

describe('exchange over node:http', () => {
  it('follows a 307 with the same method, body and credentials, and says which URL answered', async () => {
    const { seen, origin } = await serve((request, response) => {
      if (request.url === '/v2/a/blobs/uploads/1') {
        response.writeHead(307, { location: '/storage/1?signed=yes' }).end();
      } else {
        response.writeHead(201, { 'docker-content-digest': 'sha256:abc' }).end('stored');
      }
    });
    const response = await exchange(
      new URL(`${origin}/v2/a/blobs/uploads/1`),
      { method: 'PUT', headers: { authorization: 'Bearer t' }, body: 'layer bytes' },
      never,
    );
    expect(response.status).toBe(201);
    expect(response.body.toString()).toBe('stored');
    expect(response.headers.get('Docker-Content-Digest')).toBe('sha256:abc');
    expect(response.url).toBe(`${origin}/storage/1?signed=yes`);
    expect(seen.map((r) => [r.method, r.url, r.body, r.headers.authorization])).toEqual([
      ['PUT', '/v2/a/blobs/uploads/1', 'layer bytes', 'Bearer t'],
      ['PUT', '/storage/1?signed=yes', 'layer bytes', 'Bearer t'],
    ]);
    expect(seen[1]?.headers['content-length']).toBe(String('layer bytes'.length));
  });

  it('drops the credentials on a redirect to another origin (blob storage), as fetch does', async () => {
    const storage = await serve((_request, response) => response.writeHead(200).end('blob'));
    const registry = await serve((_request, response) =>
      response.writeHead(302, { location: `${storage.origin}/blob/1` }).end(),
    );
    const response = await exchange(
      new URL(`${registry.origin}/v2/a/blobs/sha256:1`),
      { headers: { authorization: 'Basic secret' } },
      never,
    );
    expect(response.body.toString()).toBe('blob');
    expect(registry.seen[0]?.headers.authorization).toBe('Basic secret');
    expect(storage.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('turns a POST answered 303 into a GET without body or content type', async () => {
    const { seen, origin } = await serve((request, response) => {
      if (request.method === 'POST') response.writeHead(303, { location: '/result' }).end();
      else response.writeHead(200).end('done');
    });
    await exchange(
      new URL(`${origin}/token`),
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
      never,
    );
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/result', body: '' });
    expect(seen[1]?.headers['content-type']).toBeUndefined();
  });

  it('gives up after 20 redirects', async () => {
    const { seen, origin } = await serve((_request, response) =>
      response.writeHead(302, { location: '/again' }).end(),
    );
    const error = await exchange(new URL(`${origin}/start`), {}, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
    expect(seen).toHaveLength(21);
  });

  it('sends a body-less POST with a zero length, not chunked; reads no body for HEAD; joins repeated headers', async () => {
    const { seen, origin } = await serve((request, response) => {
      response.setHeader('link', ['</v2/a?n=1>; rel="next"', '</v2/b>; rel="other"']);
      response.writeHead(request.method === 'HEAD' ? 200 : 202, { 'content-length': '7' });
      response.end(request.method === 'HEAD' ? undefined : 'created');
    });
    const posted = await exchange(new URL(`${origin}/v2/a/blobs/uploads/`), { method: 'POST' }, never);
    expect(posted.status).toBe(202);
    expect(seen[0]?.headers['content-length']).toBe('0');
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined();
    const head = await exchange(new URL(`${origin}/v2/a/manifests/v1`), { method: 'HEAD' }, never);
    expect(head.body).toHaveLength(0);
    expect(head.headers.get('content-length')).toBe('7');
    expect(head.headers.get('Link')).toBe('</v2/a?n=1>; rel="next", </v2/b>; rel="other"');
    expect(head.headers.get('www-authenticate')).toBeNull();
  });

  it('rejects with the abort reason when aborted mid-body, and frees the connection', async () => {
    let closed = false;
    const { origin } = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('partial');
      response.on('close', () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const pending = exchange(new URL(`${origin}/v2/a/blobs/sha256:1`), {}, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
  });

  it('names the connection failure by its code', async () => {
    const { origin } = await serve(() => {});
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    const error = await exchange(new URL(`${origin}/v2/`), {}, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
