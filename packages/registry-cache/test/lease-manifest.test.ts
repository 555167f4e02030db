import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { LeaseEndpoint, LeaseHolder, ResolvedStrategy } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { claimLease, createRegistryPort, leaseHolder, listCacheRefs, releaseLease } from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import { buildahLayer, pushBuildahCacheImage } from './helpers/buildah-cache.js';
import { exportBuildkitCache } from './helpers/buildkit-cache.js';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();

/** The cache and lease locations cache-ref plans for one environment of one service. */
function planFor(repository: string, service: string, buildUuid: string, strategy: ResolvedStrategy) {
  const plan = planCache({
    config: parseCacheConfig({ registry: registry().host, strategy }),
    repository,
    service,
    buildUuid: anyBuildUuid(buildUuid),
  });
  const below = (ref: { repository: string }) => ref.repository.slice(registry().host.length + 1);
  const lease = plan.lease as LeaseEndpoint;
  return {
    cache: { repository: below(plan.export!), tag: plan.export!.tag },
    lease: { repository: below(lease), tag: lease.tag, ref: lease.ref },
  };
}

const holder = (runId: string, host = 'ci-1'): LeaseHolder => ({
  runId,
  startedAt: new Date('2025-01-02T03:04:05.678Z'),
  host,
});

describe('leases', () => {
  it('claim returns the previous holder, and the lease names the newest claimant', async () => {
    const { client } = clientFor(registry());
    const { lease } = planFor('claims', 'web', 'pr-1', 'path');
    expect(await leaseHolder(client, lease.repository, lease.tag)).toBeNull();

    expect(await claimLease(client, lease.repository, lease.tag, holder('run-a'))).toBeNull();
    expect(await leaseHolder(client, lease.repository, lease.tag)).toEqual(holder('run-a'));
    const first = await client.headManifest(lease.repository, lease.tag);

    expect(await claimLease(client, lease.repository, lease.tag, holder('run-b', 'ci-2'))).toEqual(
      holder('run-a'),
    );
    expect(await leaseHolder(client, lease.repository, lease.tag)).toEqual(holder('run-b', 'ci-2'));
    // Each run's lease is its own manifest: deleting one by digest never removes another's tag.
    expect((await client.headManifest(lease.repository, lease.tag))?.digest).not.toBe(first?.digest);

    const { host: _, ...hostless } = holder('run-c');
    await claimLease(client, lease.repository, lease.tag, hostless);
    expect(await leaseHolder(client, lease.repository, lease.tag)).toEqual(hostless);
  });

  it('release deletes the lease only for the run that holds it, in one request', async () => {
    const { client, events } = clientFor(registry());
    const { lease } = planFor('releases', 'web', 'pr-2', 'tag');
    expect(await releaseLease(client, lease.repository, lease.tag, holder('run-a'))).toBe(false);

    await claimLease(client, lease.repository, lease.tag, holder('run-a'));
    await claimLease(client, lease.repository, lease.tag, holder('run-b'));
    // run-a was superseded: its release deletes its own record (by that record's digest) and leaves
    // run-b's lease alone.
    await releaseLease(client, lease.repository, lease.tag, holder('run-a'));
    expect((await leaseHolder(client, lease.repository, lease.tag))?.runId).toBe('run-b');
    expect(await client.listTags(lease.repository)).toContain(lease.tag);
    // Another start time is another run's record, even with the same run id.
    const later = { ...holder('run-b'), startedAt: new Date('2025-01-02T03:04:06.000Z') };
    expect(await releaseLease(client, lease.repository, lease.tag, later)).toBe(false);
    expect((await leaseHolder(client, lease.repository, lease.tag))?.runId).toBe('run-b');

    events.length = 0;
    expect(await releaseLease(client, lease.repository, lease.tag, holder('run-b'))).toBe(true);
    expect(events.map((event) => `${event.method} ${event.operation} ${event.status}`)).toEqual([
      'DELETE manifest.delete 202',
    ]);
    expect(await leaseHolder(client, lease.repository, lease.tag)).toBeNull();
    expect(await client.listTags(lease.repository)).not.toContain(lease.tag);
    expect(await releaseLease(client, lease.repository, lease.tag, holder('run-b'))).toBe(false);
  });

  it("one run's leases of two services in one repository are apart: releasing one keeps the other", async () => {
    const { client } = clientFor(registry());
    // The tag strategy keeps every service's lease of an environment in the cache repository.
    const web = planFor('shared', 'web', 'pr-5', 'tag').lease;
    const api = planFor('shared', 'api', 'pr-5', 'tag').lease;
    expect(web.repository).toBe(api.repository);
    expect(web.tag).not.toBe(api.tag);
    await claimLease(client, web.repository, web.tag, holder('run-a'));
    await claimLease(client, api.repository, api.tag, holder('run-a'));

    expect(await releaseLease(client, web.repository, web.tag, holder('run-a'))).toBe(true);
    expect(await leaseHolder(client, web.repository, web.tag)).toBeNull();
    expect(await leaseHolder(client, api.repository, api.tag)).toEqual(holder('run-a'));
  });

  it('a tag holding something else is no lease', async () => {
    const { client } = clientFor(registry());
    await pushImage(client, 'not-a-lease', 'lease');
    expect(await leaseHolder(client, 'not-a-lease', 'lease')).toBeNull();
    expect(await releaseLease(client, 'not-a-lease', 'lease', holder('run-a'))).toBe(false);
    expect(await client.listTags('not-a-lease')).toEqual(['lease']);
  });

  it('works through the registry port with full refs', async () => {
    const port = createRegistryPort({ clientOptions: { credentials: 'anonymous' } });
    const { lease } = planFor('port', 'api', 'pr-3', 'path');
    expect(await port.claimLease(lease.ref, holder('run-a'))).toBeNull();
    expect(await port.claimLease(lease.ref, holder('run-b'))).toEqual(holder('run-a'));
    expect(await port.leaseHolder(lease.ref)).toEqual(holder('run-b'));
    await port.releaseLease(lease.ref, holder('run-a'));
    expect(await port.leaseHolder(lease.ref)).toEqual(holder('run-b'));
    expect(await port.releaseLease(lease.ref, holder('run-b'))).toBe(true);
    expect(await port.leaseHolder(lease.ref)).toBeNull();
    await expect(port.leaseHolder(`${registry().host}/port/api/pr-3`)).rejects.toThrow(/not a lease ref/);
  });
});

describe('the cache inventory ignores leases', () => {
  it('under both strategies, with BuildKit and buildah caches and with a lease alone', async () => {
    const { client } = clientFor(registry());
    const repository = 'inventory';
    const lease = async (buildUuid: string, strategy: ResolvedStrategy) => {
      const where = planFor(repository, 'web', buildUuid, strategy).lease;
      await claimLease(client, where.repository, where.tag, holder(`run-${buildUuid}`));
      return where;
    };
    const buildkit = planFor(repository, 'web', 'pr-buildkit', 'path').cache;
    await exportBuildkitCache(client, { ...buildkit, layers: [{ size: 100 }] });
    await lease('pr-buildkit', 'path');
    const buildah = planFor(repository, 'web', 'pr-buildah', 'path').cache;
    const layer = await pushBuildahCacheImage(client, buildah.repository, {
      layers: [buildahLayer('a.bin')],
    });
    const buildahLease = await lease('pr-buildah', 'path');
    const tagged = planFor(repository, 'web', 'pr-tag', 'tag').cache;
    await exportBuildkitCache(client, { ...tagged, layers: [{ size: 100 }] });
    await lease('pr-tag', 'tag');
    const alone = [await lease('pr-lease-only', 'path'), await lease('pr-lease-only', 'tag')];

    // The leases are really there: below the path caches' repositories, beside the tag caches.
    expect(buildahLease.repository).toBe(`${buildah.repository}/lease`);
    expect(await client.listTags(buildahLease.repository)).toEqual(['lease']);
    expect(await client.listTags(buildah.repository)).toEqual([layer.tag]);
    expect(await client.listTags(alone[0]!.repository)).toEqual(['lease']);
    expect((await client.listTags(repository)).sort()).toEqual([
      'cache-web-pr-tag',
      'lease-web-pr-lease-only',
      'lease-web-pr-tag',
    ]);

    const entries = await listCacheRefs(client, { repository, service: 'web' });
    expect(entries.map((entry) => [entry.layout, entry.strategy, entry.buildUuid, entry.tags])).toEqual([
      ['repository', 'path', 'pr-buildah', [layer.tag]],
      ['tag', 'path', 'pr-buildkit', ['cache']],
      ['tag', 'tag', 'pr-tag', ['cache-web-pr-tag']],
    ]);
  });
});
