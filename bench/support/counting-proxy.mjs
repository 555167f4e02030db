// A loopback HTTP proxy in front of a registry that counts the blob bytes crossing it: request bodies of
// blob uploads (POST/PATCH/PUT under /blobs/uploads/) and response bodies of blob GETs. Manifests, HEADs
// and mounts move no blob bytes and are only counted as requests.
import { createServer, request } from 'node:http';

const uploadPath = /^\/v2\/(.+)\/blobs\/uploads\//;
const blobPath = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/;

export async function startCountingProxy(target) {
  const [targetHost, targetPort] = target.split(':');
  const counts = { uploadedBytes: 0, downloadedBytes: 0, requests: 0, mounts: 0, uploads: 0, downloads: 0 };
  const byRepository = new Map();
  const add = (repository, field, bytes) => {
    const entry = byRepository.get(repository) ?? { uploadedBytes: 0, downloadedBytes: 0 };
    entry[field] += bytes;
    byRepository.set(repository, entry);
  };
  const server = createServer((req, res) => {
    counts.requests += 1;
    const url = new URL(req.url ?? '/', 'http://proxy');
    const upload = uploadPath.exec(url.pathname);
    const blob = req.method === 'GET' ? blobPath.exec(url.pathname) : null;
    if (upload && req.method === 'POST' && url.searchParams.has('mount')) counts.mounts += 1;
    if (upload) {
      req.on('data', (chunk) => {
        counts.uploadedBytes += chunk.length;
        add(upload[1], 'uploadedBytes', chunk.length);
      });
    }
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        if (upload && upstreamRes.statusCode === 201 && req.method === 'PUT') counts.uploads += 1;
        if (blob && upstreamRes.statusCode === 200) {
          counts.downloads += 1;
          upstreamRes.on('data', (chunk) => {
            counts.downloadedBytes += chunk.length;
            add(blob[1], 'downloadedBytes', chunk.length);
          });
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${server.address().port}`,
    /** Counts since the last reset. */
    take() {
      const taken = { ...counts, byRepository: Object.fromEntries(byRepository) };
      for (const key of Object.keys(counts)) counts[key] = 0;
      byRepository.clear();
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
