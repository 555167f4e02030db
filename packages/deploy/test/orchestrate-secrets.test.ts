import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  type DeployEvent,
  loadEnvironment,
  planEnvironment,
  reportToJson,
  Supersession,
} from '../src/index.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';
import { ScriptedEngine } from './support/scripted-engine.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const uuid = 'masked-secret-100200';
const envToken = 'env-token-5e1f2a9c';
const fileToken = 'file-token-line-one\nfile-token-line-two\n';

async function secretPlan(secrets: unknown[]) {
  fixture = await createFixture({ ...serviceFiles(['api']), 'token.txt': fileToken });
  const file = await fixture.writeSpec({
    registry: { host: 'registry.example.test', repository: 'shop' },
    services: { api: { context: 'api', secrets } },
  });
  return planEnvironment(await loadEnvironment(file), { buildUuid: uuid });
}

describe('buildEnvironment masks secret values', () => {
  it('in events, the failed result (reason, step, log tail) and the JSON report', async () => {
    const plan = await secretPlan([
      { id: 'token', env: 'MASK_TEST_TOKEN' },
      { id: 'cert', file: 'token.txt' },
    ]);
    const engine = new ScriptedEngine();
    const events: DeployEvent[] = [];
    const done = buildEnvironment(plan, {
      engine,
      env: { MASK_TEST_TOKEN: envToken },
      supersession: new Supersession(),
      onEvent: (event) => events.push(event),
    });
    await engine.started(uuid, 'api');
    const request = engine.calls[0]!;
    // The engine hands the secrets on by reference only: masking needs no value in the request.
    expect(JSON.stringify(request.secrets)).not.toContain(envToken);
    const base64 = Buffer.from(envToken).toString('base64');
    for (const line of [`token: ${envToken}`, 'file-token-line-one', 'file-token-line-two', base64]) {
      request.onEvent!({ type: 'log', stepId: 's1', stream: 'stdout', line });
    }
    const failure = Object.assign(new Error(`process "cat" printed ${envToken}: exit code 1`), {
      code: 'USER_ERROR',
      kind: 'user' as const,
      step: `[2/2] RUN echo ${envToken}`,
      logTail: [`token: ${envToken}`, 'file-token-line-two'],
    });
    engine.fail(uuid, 'api', failure);
    const report = await done;

    const everything = JSON.stringify(events) + reportToJson(report);
    for (const value of [envToken, 'file-token-line-one', 'file-token-line-two', base64]) {
      expect(everything).not.toContain(value);
    }
    const logs = events.flatMap((event) =>
      event.event.type === 'engine' && event.event.event.type === 'log' ? [event.event.event.line] : [],
    );
    expect(logs).toEqual(['token: ***', '***', '***', '***']);
    const result = report.services[0]!;
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('step [2/2] RUN echo ***: process "cat" printed ***: exit code 1');
    expect(result.failure?.logTail).toEqual(['token: ***', '***']);
    expect(result.failure?.step).toBe('[2/2] RUN echo ***');
  });

  it('warns, by secret id and never its value, about a value too short to mask', async () => {
    const plan = await secretPlan([{ id: 'pin', env: 'MASK_TEST_PIN' }]);
    const engine = new ScriptedEngine();
    const events: DeployEvent[] = [];
    const done = buildEnvironment(plan, {
      engine,
      env: { MASK_TEST_PIN: 'x7' },
      supersession: new Supersession(),
      onEvent: (event) => events.push(event),
    });
    await engine.started(uuid, 'api');
    engine.complete(uuid, 'api');
    expect((await done).ok).toBe(true);
    const warnings = events.flatMap((event) => (event.event.type === 'warning' ? [event.event.message] : []));
    expect(warnings).toEqual([
      'secret pin is shorter than 4 characters: its value is not masked in build output',
    ]);
  });
});
