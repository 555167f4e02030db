import type { LeaseHolder } from '@deployer/contracts';
import {
  annotationManifestDigest,
  type CallOptions,
  isRegistryError,
  type RegistryClient,
} from '@deployer/registry';

/*
 * A lease is a tiny manifest at a tag (cache-ref's `leaseLocation`): an empty config, no layers, and the
 * holder and the lease's own `repository:tag` in its annotations. Each run's record of each lease differs
 * (its run id; the lease, as under the tag strategy one repository holds every service's lease of an
 * environment), so its digest is that run's own for that lease, and deleting it by digest never removes a
 * newer holder's tag, nor the same run's lease of another service. The digest follows from the record, so
 * a release deletes by it without reading the lease first. The registry offers no compare-and-swap, so a
 * claim is read-then-write: of two claims at the same moment the later write wins, and the loser learns
 * it from `leaseHolder` on its next look.
 */

const annotations = {
  runId: 'io.deployer.lease.run-id',
  startedAt: 'io.deployer.lease.started-at',
  host: 'io.deployer.lease.host',
  lease: 'io.deployer.lease.ref',
} as const;

/** The record `holder`'s claim of the lease at `repository:tag` writes; the same holder, the same bytes. */
function leaseRecord(repository: string, tag: string, holder: LeaseHolder): Record<string, string> {
  return {
    [annotations.runId]: holder.runId,
    [annotations.startedAt]: holder.startedAt.toISOString(),
    ...(holder.host !== undefined && { [annotations.host]: holder.host }),
    [annotations.lease]: `${repository}:${tag}`,
  };
}

const isAbsent = (error: unknown) =>
  isRegistryError(error, 'MANIFEST_UNKNOWN') || isRegistryError(error, 'NAME_UNKNOWN');

function parseHolder(found: Record<string, string> | undefined): LeaseHolder | null {
  const runId = found?.[annotations.runId];
  const startedAt = new Date(found?.[annotations.startedAt] ?? Number.NaN);
  if (!runId || Number.isNaN(startedAt.getTime())) return null;
  const host = found?.[annotations.host];
  return { runId, startedAt, ...(host && { host }) };
}

/**
 * What a lease tag holds: its holder, or `holder: null` when the manifest there is no lease record; null
 * when the tag does not exist. One manifest GET.
 */
export async function readLease(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: CallOptions = {},
): Promise<{ holder: LeaseHolder | null } | null> {
  try {
    const fetched = await client.getManifest(repository, tag, options);
    return { holder: parseHolder(fetched.manifest.annotations) };
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

/** Who holds the lease at `repository:tag`; null when nobody does (no tag, or not a lease manifest). */
export async function leaseHolder(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: CallOptions = {},
): Promise<LeaseHolder | null> {
  return (await readLease(client, repository, tag, options))?.holder ?? null;
}

/**
 * Makes `holder` the lease's holder, returning who held it before (read first), or null. `whileWriting`
 * runs once the write has been started, while the registry stores it.
 */
export async function claimLease(
  client: RegistryClient,
  repository: string,
  tag: string,
  holder: LeaseHolder,
  options: CallOptions & { whileWriting?: () => void } = {},
): Promise<LeaseHolder | null> {
  const { whileWriting, ...call } = options;
  const previous = await leaseHolder(client, repository, tag, call);
  const writing = client.putAnnotationManifest(repository, tag, leaseRecord(repository, tag, holder), call);
  whileWriting?.();
  await writing;
  return previous;
}

/**
 * Releases `holder`'s lease in one request: deletes the record its claim wrote, by that record's digest
 * (known without reading the lease). Where the tag still points at it, the lease is free; where another
 * run has claimed since, the tag points at that run's record and stays. Returns false when the record is
 * not stored (never claimed, or released already); true does not say the tag pointed at it.
 */
export async function releaseLease(
  client: RegistryClient,
  repository: string,
  tag: string,
  holder: LeaseHolder,
  options: CallOptions = {},
): Promise<boolean> {
  const digest = annotationManifestDigest(leaseRecord(repository, tag, holder));
  try {
    await client.deleteManifest(repository, digest, options);
    return true;
  } catch (error) {
    if (isAbsent(error)) return false;
    throw error;
  }
}
