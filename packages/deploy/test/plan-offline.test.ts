import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findFreePort } from '@deployer/local-registry';
import { createRegistryPort } from '@deployer/registry-cache';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  type Environment,
  engineArgvs,
  insecureRegistries,
  loadEnvironment,
  planEnvironment,
  Supersession,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';
import { ScriptedEngine } from './support/scripted-engine.js';

let fixture: Fixture | undefined;
let server: Server | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function environment(host: string): Promise<Environment> {
  fixture ??= await createFixture(serviceFiles(['web', 'api']));
  const file = await fixture.writeSpec({
    registry: { host, repository: 'shop', insecure: true },
    fallbacks: ['main'],
    services: {
      web: { context: 'web' },
      api: { context: 'api', secrets: [{ id: 'npm', env: 'NPM_TOKEN' }] },
    },
  });
  return loadEnvironment(file);
}

/** The registry adapter as apps/deployer wires it. */
const port = (env: Environment) => createRegistryPort({ insecureRegistries: insecureRegistries(env) });

let asked: string[] = [];

/** A registry that answers every request with `status`, noting which paths were asked. */
async function answering(status: number): Promise<string> {
  asked = [];
  server = createServer((request, response) => {
    asked.push(request.url ?? '');
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ errors: [{ code: 'DENIED', message: `answered ${status}` }] }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('planEnvironment when the registry cannot be asked', () => {
  it('plans every action as unknown and records the problem once, with a closed port', async () => {
    const host = `127.0.0.1:${await findFreePort()}`;
    const env = await environment(host);
    const plan = await planEnvironment(env, {
      buildUuid: validUuid('pr-1'),
      registry: port(env),
      onRegistryError: 'unknown',
    });

    expect(plan.services.map((service) => [service.service, service.action, service.reason])).toEqual([
      ['web', 'unknown', 'registry not reachable'],
      ['api', 'unknown', 'registry not reachable'],
    ]);
    expect(plan.services[0]!.image).toMatch(new RegExp(`^${host}/shop/web:[0-9a-f]{64}$`));
    expect(plan.registryProblem?.registry).toBe(host);
    expect(plan.registryProblem?.message).toContain(host);
  });

  it('fails by default, as a build needs', async () => {
    const host = `127.0.0.1:${await findFreePort()}`;
    const env = await environment(host);
    await expect(planEnvironment(env, { buildUuid: validUuid('pr-1'), registry: port(env) })).rejects.toThrow(
      host,
    );
  });

  it.each([401, 500])('plans unknown when the registry answers %i', async (status) => {
    const env = await environment(await answering(status));
    const host = env.registry.host;
    const plan = await planEnvironment(env, {
      buildUuid: validUuid('pr-1'),
      registry: port(env),
      onRegistryError: 'unknown',
    });
    expect(plan.services.map((service) => service.action)).toEqual(['unknown', 'unknown']);
    expect(plan.registryProblem?.registry).toBe(host);
    // Asked about the first image only: after one failure the registry is not asked again.
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((path) => !path.startsWith('/v2/shop/web/'))).toEqual([]);
    await expect(planEnvironment(env, { buildUuid: validUuid('pr-1'), registry: port(env) })).rejects.toThrow(
      host,
    );
  });
});

describe('engineArgvs', () => {
  it('asks the engine about exactly the requests a build sends it', async () => {
    const plan = await planEnvironment(await environment('registry.example.test'), {
      buildUuid: validUuid('pr-1'),
    });
    const engine = new ScriptedEngine();
    const argvs = await engineArgvs(plan, engine);
    expect([...argvs.keys()]).toEqual(['web', 'api']);
    expect(argvs.get('api')?.argv).toEqual(['scripted', 'build', 'api']);

    const done = buildEnvironment(plan, {
      engine,
      supersession: new Supersession(),
      env: { NPM_TOKEN: 'x' },
    });
    for (const service of ['web', 'api']) {
      await engine.started('pr-1', service);
      engine.complete('pr-1', service);
    }
    expect((await done).ok).toBe(true);
    const sent = engine.calls.map(({ signal: _signal, onEvent: _onEvent, ...request }) => request);
    expect(engine.argvCalls).toEqual(sent);
  });
});
