import { describe, expect, it } from 'vitest';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();

describe('untag beside other writes to the same repository', () => {
  it("removes the tag although tags written at that moment fail the registry's delete half-way", async () => {
    const { client, events } = clientFor(registry());
    const image = await pushImage(client, 'app/busy', 'base');
    // distribution 2.8 answers 500 to a manifest DELETE whose tag lookup reads a tag being written, after
    // removing the revision: the round goes on until that happened a few times (it does within a few
    // dozen rounds on these machines), each time untag must still leave no run tag.
    const halfDone = () =>
      events.filter((event) => event.operation === 'manifest.delete' && event.status === 500).length;
    let round = 0;
    for (; round < 300 && halfDone() < 3; round += 1) {
      const run = `run-${round}`;
      await client.copyManifest({ repository: 'app/busy', reference: 'base', toReference: run });
      await Promise.all([
        client.untag('app/busy', run, { exists: true }),
        ...[0, 1, 2, 3, 4, 5].map((n) =>
          client.copyManifest({ repository: 'app/busy', reference: 'base', toReference: `cache-${n}` }),
        ),
      ]);
      const left = (await client.listTags('app/busy')).filter((tag) => tag.startsWith('run-'));
      expect(left, `round ${round}`).toEqual([]);
    }
    expect(halfDone()).toBeGreaterThan(0);
    expect(await client.resolveTag('app/busy', 'cache-0')).toBe(image.digest);
    expect(await client.resolveTag('app/busy', 'base')).toBe(image.digest);
  });
});

describe('deleteTag beside other writes to the same repository', () => {
  it('leaves the tag gone although the registry failed its delete half-way', async () => {
    const { client, events } = clientFor(registry());
    await pushImage(client, 'app/crowded', 'base');
    const halfDone = () =>
      events.filter((event) => event.operation === 'manifest.delete' && event.status === 500).length;
    for (let round = 0; round < 300 && halfDone() < 3; round += 1) {
      const pr = `pr-${round}`;
      await pushImage(client, 'app/crowded', pr, { layers: 1 });
      await Promise.all([
        client.deleteTag('app/crowded', pr),
        ...[0, 1, 2, 3, 4, 5].map((n) =>
          client.copyManifest({ repository: 'app/crowded', reference: 'base', toReference: `main-${n}` }),
        ),
      ]);
      const left = (await client.listTags('app/crowded')).filter((tag) => tag.startsWith('pr-'));
      expect(left, `round ${round}`).toEqual([]);
    }
    expect(halfDone()).toBeGreaterThan(0);
  });
});
