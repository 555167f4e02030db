import { RegistryError } from '../errors.js';
import { type CallOptions, formatRef, pullScope, pushScope, type RegistryContext } from '../http/context.js';
import { sha256Digest } from './digest.js';

const blobPath = (repository: string, digest: string) => `/v2/${repository}/blobs/${digest}`;
const uploadsPath = (repository: string) => `/v2/${repository}/blobs/uploads/`;

/** Size of the blob, or undefined when the repository does not have it. */
export async function headBlob(
  ctx: RegistryContext,
  repository: string,
  digest: string,
  options: CallOptions = {},
): Promise<number | undefined> {
  const response = await ctx.http.request({
    operation: 'blob.head',
    ref: formatRef(ctx.host, repository, digest),
    method: 'HEAD',
    path: blobPath(repository, digest),
    scopes: [pullScope(repository)],
    ok: [200],
    passThrough: [404],
    notFoundCode: 'BLOB_UNKNOWN',
    signal: options.signal,
  });
  return response.status === 404 ? undefined : Number(response.headers.get('content-length') ?? 0);
}

/** Downloads a (small) blob into memory and checks its digest. */
export async function getBlob(
  ctx: RegistryContext,
  repository: string,
  digest: string,
  options: CallOptions = {},
): Promise<Buffer> {
  const ref = formatRef(ctx.host, repository, digest);
  const response = await ctx.http.request({
    operation: 'blob.get',
    ref,
    method: 'GET',
    path: blobPath(repository, digest),
    scopes: [pullScope(repository)],
    ok: [200],
    notFoundCode: 'BLOB_UNKNOWN',
    signal: options.signal,
  });
  if (digest.startsWith('sha256:') && sha256Digest(response.body) !== digest) {
    throw new RegistryError(`blob.get ${ref}: content does not match its digest`, {
      code: 'DIGEST_MISMATCH',
      operation: 'blob.get',
      ref,
    });
  }
  return response.body;
}

export interface UploadedBlob {
  digest: string;
  size: number;
  /** False when the registry already had the blob and nothing was sent. */
  uploaded: boolean;
}

/**
 * Monolithic upload: POST opens a session, one PUT with `?digest=` sends the bytes and closes it.
 * Skips the upload when the blob already exists (`knownAbsent`: the caller just learnt it does not, so
 * the check is skipped). Not retried as a whole on failure: an upload session cannot be replayed; calling
 * again starts a new one.
 */
export async function uploadBlob(
  ctx: RegistryContext,
  repository: string,
  data: Uint8Array,
  options: CallOptions & { knownAbsent?: boolean } = {},
): Promise<UploadedBlob> {
  const { knownAbsent, ...call } = options;
  const digest = sha256Digest(data);
  const ref = formatRef(ctx.host, repository, digest);
  if (knownAbsent !== true && (await headBlob(ctx, repository, digest, call)) !== undefined) {
    return { digest, size: data.byteLength, uploaded: false };
  }
  const started = await ctx.http.request({
    operation: 'blob.upload',
    ref,
    method: 'POST',
    path: uploadsPath(repository),
    headers: { 'content-length': '0' },
    scopes: [pushScope(repository)],
    ok: [202],
    signal: call.signal,
  });
  const location = started.headers.get('location');
  if (!location) {
    throw new RegistryError(`blob.upload ${ref}: registry sent no upload location`, {
      code: 'INVALID_RESPONSE',
      status: started.status,
      operation: 'blob.upload',
      ref,
    });
  }
  const target = new URL(location, ctx.http.baseUrl);
  target.searchParams.set('digest', digest);
  await ctx.http.request({
    operation: 'blob.upload',
    ref,
    method: 'PUT',
    path: target.href,
    headers: { 'content-type': 'application/octet-stream' },
    body: data,
    scopes: [pushScope(repository)],
    ok: [201, 204],
    idempotent: false,
    signal: call.signal,
  });
  return { digest, size: data.byteLength, uploaded: true };
}

/**
 * Cross-repository mount: links a blob `from` another repository of the same registry without copying.
 * Returns false when the registry declined (it then opened an upload session, which is cancelled).
 */
export async function mountBlob(
  ctx: RegistryContext,
  repository: string,
  digest: string,
  from: string,
  options: CallOptions = {},
): Promise<boolean> {
  const ref = formatRef(ctx.host, repository, digest);
  const response = await ctx.http.request({
    operation: 'blob.mount',
    ref,
    method: 'POST',
    path: uploadsPath(repository),
    query: { mount: digest, from },
    headers: { 'content-length': '0' },
    scopes: [pushScope(repository), pullScope(from)],
    ok: [201, 202],
    signal: options.signal,
  });
  if (response.status === 201) return true;
  const location = response.headers.get('location');
  if (location) {
    await ctx.http
      .request({
        operation: 'blob.upload.cancel',
        ref,
        method: 'DELETE',
        path: new URL(location, ctx.http.baseUrl).href,
        scopes: [pushScope(repository)],
        ok: [204, 200, 202, 404],
        signal: options.signal,
      })
      .catch(() => undefined);
  }
  return false;
}
