import { runExportTag, runScopedExport } from '@deployer/cache-ref';
import { describe, expect, it } from 'vitest';
import { decidePromotion } from '../src/cache/promote.js';
import { collectRunExports, planEnvironment } from '../src/index.js';
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

describe('collectRunExports', () => {
  it('untags run tags older than the grace period, keeps younger ones and :cache', async () => {
    const environment = await shared.environment();
    const plan = await planEnvironment(environment, { buildUuid: 'pr-1' });
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
