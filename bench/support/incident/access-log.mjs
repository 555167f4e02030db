// Blob bytes moved, read from the registry's access log (distribution's combined-format lines):
// - down: the bytes written by each `GET /v2/<repository>/blobs/<digest>` answered 200;
// - up: the size of each blob an upload completed (`PUT …/blobs/uploads/…?digest=…` answered 201). The log
//   does not carry request sizes, so the blob's size is read from the storage as the line arrives.
// A cross-repository mount (`POST …/blobs/uploads/?mount=…` answered 201) moves no bytes and is counted.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

const line = /"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP\/[\d.]+" (\d{3}) (\d+|-)/;
const blobGet = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/;
const uploadDone = /^\/v2\/(.+)\/blobs\/uploads\/[^?]+\?.*digest=sha256(?:%3A|:)([0-9a-f]{64})/;
const mount = /^\/v2\/(.+)\/blobs\/uploads\/\?.*mount=sha256(?:%3A|:)([0-9a-f]{64})/;

function zero() {
  return {
    requests: 0,
    downloadedBytes: 0,
    downloads: 0,
    uploadedBytes: 0,
    uploads: 0,
    mounts: 0,
    serverErrors: 0,
    blobNotFound: 0,
    /** Each blob that arrived in a repository: { repository, digest, bytes, how: 'upload' | 'mount', at }. */
    arrivals: [],
  };
}

export function createAccessLog(storage) {
  let counts = zero();
  const pending = new Set();
  const blobSize = async (hex) => {
    try {
      return (await stat(join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data')))
        .size;
    } catch {
      return 0;
    }
  };
  return {
    feed(text) {
      const match = line.exec(text);
      if (match === null) return;
      const [, method, path, statusText, sizeText] = match;
      const status = Number(statusText);
      const target = counts;
      target.requests += 1;
      if (status >= 500) target.serverErrors += 1;
      if (method === 'GET' && blobGet.test(path)) {
        if (status === 200) {
          target.downloads += 1;
          target.downloadedBytes += sizeText === '-' ? 0 : Number(sizeText);
        } else if (status === 404) target.blobNotFound += 1;
      }
      const mounted = method === 'POST' && status === 201 ? mount.exec(path) : null;
      const upload = method === 'PUT' && status === 201 ? uploadDone.exec(path) : null;
      const arrived = mounted ?? upload;
      const at = Date.now();
      if (arrived !== null) {
        if (mounted !== null) target.mounts += 1;
        else target.uploads += 1;
        const sizing = blobSize(arrived[2]).then((bytes) => {
          if (upload !== null) target.uploadedBytes += bytes;
          const how = upload !== null ? 'upload' : 'mount';
          target.arrivals.push({ repository: arrived[1], digest: `sha256:${arrived[2]}`, bytes, how, at });
          pending.delete(sizing);
        });
        pending.add(sizing);
      }
    },
    /** Counts since the last take (uploads' sizes still being read are awaited). */
    async take() {
      await Promise.all([...pending]);
      const taken = counts;
      counts = zero();
      return taken;
    },
    settled: () => Promise.all([...pending]),
  };
}
