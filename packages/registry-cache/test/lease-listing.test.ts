import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { LeaseHolder, ResolvedStrategy } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { claimLease, createRegistryPort, listLeaseTags, releaseLease } from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

// `cache gc` finds the leases runs left (killed before releasing them) with listLeaseTags: every
// environment's, under both strategies, exactly the service's, each with its holder.
const registry = useRegistry();

/** The lease cache-ref plans for one environment of one service: `repository` below the host, and `tag`. */
function leaseOf(repository: string, service: string, buildUuid: string, strategy: ResolvedStrategy) {
  const lease = planCache({
    config: parseCacheConfig({ registry: registry().host, strategy }),
    repository,
    service,
    buildUuid: anyBuildUuid(buildUuid),
  }).lease!;
  return { repository: lease.repository.slice(registry().host.length + 1), tag: lease.tag, ref: lease.ref };
}

const holder = (runId: string): LeaseHolder => ({
  runId,
  startedAt: new Date('2025-01-02T03:04:05.678Z'),
  host: 'ci-1',
});

describe('listLeaseTags', () => {
  it("lists every environment's lease of the service under both strategies, with its holder", async () => {
    const { client } = clientFor(registry());
    const repository = 'listing';
    const claim = async (service: string, buildUuid: string, strategy: ResolvedStrategy, run: string) => {
      const lease = leaseOf(repository, service, buildUuid, strategy);
      await claimLease(client, lease.repository, lease.tag, holder(run));
      return lease;
    };
    const pathLease = await claim('web', 'pr-1', 'path', 'run-1');
    // An environment named `lease`: its cache repository is `<repo>/web/lease`, its lease one below.
    const named = await claim('web', 'lease', 'path', 'run-2');
    const tagLease = await claim('web', 'pr-2', 'tag', 'run-3');
    // Not web's: another service, and one whose name starts like it.
    await claim('api', 'pr-1', 'path', 'run-4');
    await claim('api', 'pr-1', 'tag', 'run-5');
    await claim('web-admin', 'pr-1', 'tag', 'run-6');
    await claim('web-admin', 'pr-1', 'path', 'run-7');
    // Released: distribution keeps the repository in its catalog, with no tag.
    const released = await claim('web', 'pr-3', 'path', 'run-8');
    expect(await releaseLease(client, released.repository, released.tag, holder('run-8'))).toBe(true);
    // Something else at a lease tag: listed, as no lease record.
    const image = leaseOf(repository, 'web', 'pr-4', 'tag');
    await pushImage(client, image.repository, image.tag);

    const found = await listLeaseTags(client, { repository, service: 'web' });
    const byRef = (a: { ref: string }, b: { ref: string }) => a.ref.localeCompare(b.ref);
    expect(found.sort(byRef)).toEqual(
      [
        { ...pathLease, buildUuid: 'pr-1', holder: holder('run-1') },
        { ...named, buildUuid: 'lease', holder: holder('run-2') },
        { ...tagLease, buildUuid: 'pr-2', holder: holder('run-3') },
        { ...image, buildUuid: 'pr-4', holder: null },
      ].sort(byRef),
    );

    const port = createRegistryPort({ clientOptions: { credentials: 'anonymous' } });
    const listed = await port.listLeases(`${registry().host}/${repository}`, 'web');
    expect(listed.sort(byRef)).toEqual(
      found.map(({ ref, buildUuid, holder }) => ({ ref, buildUuid, holder })).sort(byRef),
    );
    await expect(port.listLeases(`${registry().host}/${repository}:tag`, 'web')).rejects.toThrow(
      /expected a repository/,
    );
  });

  it('finds nothing where no run ever held a lease', async () => {
    const { client } = clientFor(registry());
    expect(await listLeaseTags(client, { repository: 'nothing-here', service: 'web' })).toEqual([]);
  });
});
