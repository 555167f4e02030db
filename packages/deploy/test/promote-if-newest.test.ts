import { runExportTag, runScopedExport } from '@deployer/cache-ref';
import { describe, expect, it } from 'vitest';
import { decidePromotion, discardRunExport, promoteRunExport } from '../src/cache/promote-if-newest.js';
import { collectRunExports, planEnvironment } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';

const shared = useRegistryEnvironments('promote');
const older = { runId: 'run-a', startedAt: new Date('2026-01-01T10:00:00Z') };
const newer = { runId: 'run-b', startedAt: new Date('2026-01-01T10:05:00Z') };

describe('decidePromotion', () => {
  it('promotes unless superseded or a run that started later holds the lease', () => {
    expect(decidePromotion({ me: newer, superseded: false, holder: null })).toEqual({ promote: true });
    expect(decidePromotion({ me: newer, superseded: false, holder: newer })).toEqual({ promote: true });
    expect(decidePromotion({ me: newer, superseded: false, holder: older })).toEqual({ promote: true });
    expect(decidePromotion({ me: older, superseded: false, holder: newer })).toEqual({
      promote: false,
      reason: 'run run-b started later and writes this cache',
    });
    expect(decidePromotion({ me: newer, superseded: true, holder: null }).promote).toBe(false);
  });
});

describe('promoteRunExport and discardRunExport', () => {
  it('a promotion that read the run tag removes it beside its PUT, without looking again; none found, none removed', async () => {
    const environment = await shared.environment();
    const plan = await planEnvironment(environment, { buildUuid: validUuid('pr-2') });
    const web = plan.services.find((service) => service.service === 'web')!;
    const client = shared.client();
    const repository = web.cache.export!.repository.slice(shared.registry().host.length + 1);
    const layer = await client.uploadBlob(repository, new TextEncoder().encode('layer'));
    const run = runScopedExport(web.cache, newer)!;
    const exported = await client.putManifest(repository, run.runRef.tag, {
      schemaVersion: 2 as const,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size },
      ],
    });
    const port = shared.port();
    // The order the registry port was asked in: the untag must start before the promotion's PUT ends.
    const calls: string[] = [];
    const registry = {
      ...port,
      untag: (ref: string, options?: { exists?: boolean }) => {
        calls.push(`untag ${JSON.stringify(options)}`);
        return port.untag(ref, options);
      },
      promoteCache: async (...args: Parameters<typeof port.promoteCache>) => {
        calls.push(`promote with bytes: ${args[2]?.manifest !== undefined}`);
        const digest = await port.promoteCache(...args);
        calls.push('promoted');
        return digest;
      },
    };
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const input = { registry, leaseRef: undefined, me: newer, superseded: () => false, warn };

    const { runTagRemoval, ...promoted } = await promoteRunExport({ ...input, runExport: run });
    expect(promoted).toEqual({ promoted: true, digest: exported.digest });
    await runTagRemoval;
    expect(calls).toEqual(['untag {"exists":true}', 'promote with bytes: true', 'promoted']);
    expect(await client.listTags(repository)).toEqual(['cache']);
    expect(await client.resolveTag(repository, 'cache')).toBe(exported.digest);
    expect((await client.getManifest(repository, 'cache')).manifest).toEqual(
      (await client.getManifest(repository, exported.digest)).manifest,
    );

    calls.length = 0;
    const missing = runScopedExport(web.cache, older)!;
    const none = await promoteRunExport({ ...input, runExport: missing });
    expect(none).toEqual({ promoted: false, reason: 'the engine exported no cache' });
    expect(calls).toEqual([]);
    await discardRunExport(registry, missing, warn);
    expect(calls).toEqual(['untag undefined']);
    expect(warnings).toEqual([]);
  });
});

describe('collectRunExports', () => {
  it('untags run tags older than the grace period, keeps younger ones and :cache', async () => {
    const environment = await shared.environment();
    const plan = await planEnvironment(environment, { buildUuid: validUuid('pr-1') });
    const web = plan.services.find((service) => service.service === 'web')!;
    const client = shared.client();
    const repository = web.cache.export!.repository.slice(shared.registry().host.length + 1);
    // A layer, as every BuildKit cache has: the registry's catalog lists repositories that hold blobs.
    const layer = await client.uploadBlob(repository, new TextEncoder().encode('layer'));
    const index = {
      schemaVersion: 2 as const,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size },
      ],
    };
    const pushed = await client.putManifest(repository, 'cache', index);
    const dead = runScopedExport(web.cache, older)!;
    const live = runScopedExport(web.cache, newer)!;
    for (const run of [dead, live])
      await client.putManifest(repository, run.runRef.tag, {
        ...index,
        annotations: { run: run.runRef.tag },
      });

    const now = new Date(newer.startedAt.getTime() + 60_000);
    const entries = await collectRunExports(environment, { registry: shared.port(), graceMs: 120_000, now });
    expect(entries.map((entry) => [entry.ref, entry.action, entry.deleted]).sort()).toEqual(
      [
        [dead.runRef.ref, 'delete', true],
        [live.runRef.ref, 'keep', false],
      ].sort(),
    );
    expect((await client.listTags(repository)).sort()).toEqual(
      ['cache', runExportTag('cache', newer)].sort(),
    );
    expect(await client.resolveTag(repository, 'cache')).toBe(pushed.digest);
  });
});
