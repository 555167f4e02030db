import { describe, expect, it } from 'vitest';
import { buildEnvironment, planEnvironment, Supersession } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { ScriptedEngine } from './support/scripted-engine.js';
import { pushCache } from './support/seed.js';

const shared = useRegistryEnvironments('late');

describe('a run stopped mid-build', () => {
  it('removes a run tag its engine’s daemon finished pushing after the run stopped it', async () => {
    const plan = await planEnvironment(await shared.environment(), {
      buildUuid: validUuid('pr-late'),
      services: ['web'],
    });
    const web = { ...plan, services: plan.services.filter((service) => service.service === 'web') };
    const engine = new ScriptedEngine();
    const controller = new AbortController();
    const done = buildEnvironment(web, {
      engine,
      registry: shared.port(),
      supersession: new Supersession(),
      signal: controller.signal,
    });
    await engine.started('pr-late', 'web');
    // The engine is asked to export to this run's own tag, and is stopped there: as BuildKit's daemon
    // may, the push it had under way lands a moment after its client was killed.
    const runRef = engine.calls[0]!.cache.export!.ref;
    expect(runRef).toMatch(/:cache--run-/);
    controller.abort(new Error('received SIGINT'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pushCache(shared.client(), runRef, new Date());
    const report = await done;
    expect(report.services[0]?.status).toBe('failed');
    const [repository, tag] = runRef.slice(runRef.indexOf('/') + 1).split(':') as [string, string];
    expect(await shared.client().listTags(repository)).not.toContain(tag);
  });
});
