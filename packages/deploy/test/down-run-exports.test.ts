import { parseImageReference, runExportTag } from '@deployer/cache-ref';
import { describe, expect, it } from 'vitest';
import { environmentCacheRefs } from '../src/cache/environment-caches.js';
import { downEnvironment } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { pushCache, snapshotRegistry } from './support/seed.js';

// `down` and the run export tags runs leave beside an environment's cache refs, against a real registry:
// the environment's own go (untagged), a lookalike environment's (`pr-4` vs `pr-42`) and a fallback's stay.
const shared = useRegistryEnvironments('downrun');
const run = { runId: 'run-killed', startedAt: new Date('2026-03-01T09:00:00Z') };

/** The run tag a run exporting to `cacheRef` writes, in the same repository. */
function runTagOf(cacheRef: string): string {
  const parsed = parseImageReference(cacheRef);
  return `${cacheRef.slice(0, cacheRef.lastIndexOf(':'))}:${runExportTag(parsed.tag!, run)}`;
}

function split(ref: string): [string, string] {
  const parsed = parseImageReference(ref);
  return [parsed.repository, parsed.tag!];
}

describe("down removes the environment's run export tags", () => {
  it('untags pr-4’s run tags under both strategies, never pr-42’s nor the fallback’s cache', async () => {
    const env = await shared.environment();
    const client = shared.client();
    const port = shared.port();
    // Path strategy first, tag strategy second (`<repo>:cache-web-pr-4`).
    const [ownPath, ownTag] = environmentCacheRefs(env, 'web', validUuid('pr-4')) as [string, string];
    const lookalikeRefs = environmentCacheRefs(env, 'web', validUuid('pr-42'));
    const mainRef = environmentCacheRefs(env, 'web', validUuid('main'))[1]!;
    const mainDigest = await pushCache(client, mainRef, new Date());
    await pushCache(client, ownPath, new Date());
    for (const ref of lookalikeRefs) await pushCache(client, ref, new Date());
    // pr-4's path run tag holds its own cache; its tag-strategy run tag is byte for byte main's cache (an
    // export warmed entirely from main): removing it by digest would take main's cache along.
    const ownRunTags = [runTagOf(ownPath), runTagOf(ownTag)];
    await pushCache(client, ownRunTags[0]!, new Date());
    const mainBytes = Buffer.from((await client.getManifest(...split(mainRef))).bytes);
    await client.putManifest(...split(ownRunTags[1]!), mainBytes, {
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    const lookalikeRunTags = lookalikeRefs.map(runTagOf);
    for (const ref of lookalikeRunTags) await pushCache(client, ref, new Date());
    expect(lookalikeRunTags[1]).toMatch(/:cache-web-pr-42--run-/);
    expect(ownRunTags[1]).toMatch(/:cache-web-pr-4--run-/);

    const before = await snapshotRegistry(client);
    const dry = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-4'), dryRun: true });
    const runActions = (result: typeof dry) =>
      result.actions
        .filter((action) => action.ref.includes('--run-'))
        .map((action) => [action.service, action.ref, action.action, action.deleted]);
    expect(runActions(dry)).toEqual([
      ['web', ownRunTags[0], 'untag', false],
      ['web', ownRunTags[1], 'untag', false],
    ]);
    expect(dry.actions.find((action) => action.ref === ownRunTags[0])?.reason).toBe(
      'run export tag of a run started 2026-03-01T09:00:00.000Z: only this tag goes',
    );
    expect(await snapshotRegistry(client)).toEqual(before);

    const result = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-4') });
    expect(runActions(result)).toEqual([
      ['web', ownRunTags[0], 'untag', true],
      ['web', ownRunTags[1], 'untag', true],
    ]);
    for (const ref of [...ownRunTags, ownPath]) expect(await port.imageDigest(ref)).toBeNull();
    for (const ref of [...lookalikeRefs, ...lookalikeRunTags])
      expect(await port.imageDigest(ref)).not.toBeNull();
    expect(await port.imageDigest(mainRef)).toBe(mainDigest);
    const [tagRepository] = split(ownTag);
    expect((await client.listTags(tagRepository)).sort()).toEqual(
      [split(mainRef)[1], ...[lookalikeRefs[1]!, lookalikeRunTags[1]!].map((ref) => split(ref)[1])].sort(),
    );
  });

  it('reports nothing for an environment without run tags', async () => {
    const env = await shared.environment();
    const [ownPath] = environmentCacheRefs(env, 'web', validUuid('pr-4'));
    await pushCache(shared.client(), ownPath!, new Date());
    await pushCache(
      shared.client(),
      runTagOf(environmentCacheRefs(env, 'web', validUuid('pr-42'))[0]!),
      new Date(),
    );
    const result = await downEnvironment(env, { registry: shared.port(), buildUuid: validUuid('pr-4') });
    expect(result.actions.filter((action) => action.ref.includes('--run-'))).toEqual([]);
    expect(result.actions.find((action) => action.ref === ownPath)).toMatchObject({ deleted: true });
  });
});
