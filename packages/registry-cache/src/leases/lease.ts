import type { LeaseHolder } from '@deployer/contracts';
import { type CallOptions, isRegistryError, type RegistryClient } from '@deployer/registry';

/*
 * A lease is a tiny manifest at a tag (cache-ref's `leaseLocation`): an empty config, no layers, and the
 * holder in its annotations. Each run's manifest differs (its run id), so its digest is the run's own and
 * deleting it by digest never removes a newer holder's tag. The registry offers no compare-and-swap, so a
 * claim is read-then-write: of two claims at the same moment the later write wins, and the loser learns
 * it from `leaseHolder` on its next look.
 */

const annotations = {
  runId: 'io.deployer.lease.run-id',
  startedAt: 'io.deployer.lease.started-at',
  host: 'io.deployer.lease.host',
} as const;

interface StoredLease {
  holder: LeaseHolder;
  digest: string;
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

async function readLease(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: CallOptions,
): Promise<StoredLease | null> {
  try {
    const fetched = await client.getManifest(repository, tag, options);
    const holder = parseHolder(fetched.manifest.annotations);
    return holder === null ? null : { holder, digest: fetched.digest };
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

/** Makes `holder` the lease's holder, returning who held it before (read first), or null. */
export async function claimLease(
  client: RegistryClient,
  repository: string,
  tag: string,
  holder: LeaseHolder,
  options: CallOptions = {},
): Promise<LeaseHolder | null> {
  const previous = await leaseHolder(client, repository, tag, options);
  await client.putAnnotationManifest(
    repository,
    tag,
    {
      [annotations.runId]: holder.runId,
      [annotations.startedAt]: holder.startedAt.toISOString(),
      ...(holder.host !== undefined && { [annotations.host]: holder.host }),
    },
    options,
  );
  return previous;
}

/**
 * Deletes the lease if `runId` still holds it; false when another run (or nobody) does. Deleting by the
 * digest read keeps a claim that lands in between: the tag then points elsewhere and stays.
 */
export async function releaseLease(
  client: RegistryClient,
  repository: string,
  tag: string,
  runId: string,
  options: CallOptions = {},
): Promise<boolean> {
  const stored = await readLease(client, repository, tag, options);
  if (stored?.holder.runId !== runId) return false;
  try {
    await client.deleteManifest(repository, stored.digest, options);
    return true;
  } catch (error) {
    if (isAbsent(error)) return false;
    throw error;
  }
}
