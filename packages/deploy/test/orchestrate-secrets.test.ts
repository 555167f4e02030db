import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  type DeployEvent,
  loadEnvironment,
  planEnvironment,
  reportToJson,
  SpecError,
  Supersession,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
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
  return planEnvironment(await loadEnvironment(file), { buildUuid: validUuid(uuid) });
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

describe('buildEnvironment refuses an unavailable secret source before anything runs', () => {
  async function refusal(plan: Awaited<ReturnType<typeof secretPlan>>, env: Record<string, string>) {
    const engine = new ScriptedEngine();
    const events: DeployEvent[] = [];
    const error = await buildEnvironment(plan, {
      engine,
      env,
      supersession: new Supersession(),
      onEvent: (event) => events.push(event),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    // Refused before the first event: nothing queued, no engine called.
    expect(events).toEqual([]);
    expect(engine.calls).toEqual([]);
    return error as SpecError;
  }

  it('an env secret whose variable is unset, naming the variable and id, never a set value', async () => {
    const plan = await secretPlan([
      { id: 'token', env: 'MASK_TEST_TOKEN' },
      { id: 'npm', env: 'MASK_TEST_UNSET' },
    ]);
    const error = await refusal(plan, { MASK_TEST_TOKEN: envToken });
    expect(error.code).toBe('MISSING_SECRET');
    expect(error.path).toBe('services.api.secrets[1].env');
    expect(error.message).toBe(
      'services.api.secrets[1].env: environment variable MASK_TEST_UNSET (secret npm) is not set',
    );
    expect(error.message).not.toContain(envToken);
  });

  it('a file secret whose file is gone since the spec was loaded, naming the file and id', async () => {
    const plan = await secretPlan([
      { id: 'token', env: 'MASK_TEST_TOKEN' },
      { id: 'cert', file: 'token.txt' },
    ]);
    const file = join(fixture!.dir, 'token.txt');
    await rm(file);
    const error = await refusal(plan, { MASK_TEST_TOKEN: envToken });
    expect(error.code).toBe('MISSING_SECRET');
    expect(error.path).toBe('services.api.secrets[1].file');
    expect(error.detail).toBe(`file ${file} (secret cert) is not readable`);
    expect(error.message).not.toContain(envToken);
  });
});
