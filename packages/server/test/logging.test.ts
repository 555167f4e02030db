import { Writable } from 'node:stream';
import { SecretMasker } from '@deployer/deploy';
import { describe, expect, it } from 'vitest';
import { bindRun, createLogger } from '../src/logging/index.js';

/** A destination that keeps every line written to it. */
function lineSink() {
  const lines: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk);
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line !== ''));
      done();
    },
  });
  return { stream, lines };
}

const run = {
  buildUuid: 'wandering-credit-924200',
  runId: 'run-7f3a',
  service: 'web',
  deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
};

describe('createLogger and bindRun', () => {
  it('puts the build uuid, run id, service and delivery id on every line of a run', () => {
    const { stream, lines } = lineSink();
    const logger = createLogger({ level: 'debug', destination: stream });
    const log = bindRun(logger, run);
    log.info('checking out');
    log.debug({ sha: 'c0ffee' }, 'building %s at %s', 'web', 'c0ffee');
    log.warn(new Error('push retried'));
    log.child({ step: 'push' }).error({ attempts: 3 }, 'push failed');
    log.trace('below the level: not written');
    expect(lines).toHaveLength(4);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of parsed) {
      expect(line).toMatchObject(run);
      expect(typeof line.time).toBe('string');
      expect(Number.isNaN(Date.parse(line.time as string))).toBe(false);
    }
    expect(parsed.map((line) => line.msg)).toEqual([
      'checking out',
      'building web at c0ffee',
      'push retried',
      'push failed',
    ]);
    expect(parsed[1]).toMatchObject({ sha: 'c0ffee', level: 20 });
    expect(parsed[3]).toMatchObject({ step: 'push', attempts: 3, level: 50 });
  });

  it('leaves out the service and delivery id when a run has none', () => {
    const { stream, lines } = lineSink();
    bindRun(createLogger({ destination: stream }), { buildUuid: 'main', runId: 'run-1' }).info(
      'fallback build',
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ buildUuid: 'main', runId: 'run-1', msg: 'fallback build' });
    expect(line).not.toHaveProperty('service');
    expect(line).not.toHaveProperty('deliveryId');
  });

  it("never writes a secret the run's SecretMasker knows, in any argument or encoding", () => {
    const secret = 'hunter2-deploy-token-5f1c';
    const base64 = Buffer.from(secret).toString('base64');
    const { stream, lines } = lineSink();
    const logger = createLogger({ destination: stream });
    const log = bindRun(logger, run, { masker: new SecretMasker([secret]) });
    log.info(`token is ${secret}`);
    log.info('token %s in %s', secret, `Authorization: Basic ${base64}`);
    log.info({ env: { NPM_TOKEN: secret }, argv: ['--token', secret] }, 'spawned');
    log.error(new Error(`registry refused ${secret}`));
    log.error({ err: Object.assign(new Error(`login with ${secret} failed`), { code: 'AUTH' }) }, 'login');
    bindRun(log, { ...run, service: 'api' }).warn(`nested child sees ${secret} too`);
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain(base64);
      expect(line).toContain('***');
      expect(JSON.parse(line)).toMatchObject({ buildUuid: run.buildUuid, runId: run.runId });
    }
    expect(JSON.parse(lines[3]!)).toMatchObject({
      msg: 'registry refused ***',
      err: { message: 'registry refused ***' },
    });
    expect(JSON.parse(lines[4]!)).toMatchObject({ err: { code: 'AUTH', message: 'login with *** failed' } });
  });

  it("masks the server's own secrets on every logger, and never logs credential headers", () => {
    const apiToken = 'api-token-9d8e7f6a5b4c';
    const { stream, lines } = lineSink();
    const logger = createLogger({ destination: stream, masker: new SecretMasker([apiToken]) });
    bindRun(logger, run).info(`compared ${apiToken}`);
    logger.info(
      { req: { method: 'POST', headers: { authorization: 'Bearer abc', cookie: 'deployer_session=abc' } } },
      'request',
    );
    expect(lines[0]).not.toContain(apiToken);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      req: { method: 'POST', headers: { authorization: '[redacted]', cookie: '[redacted]' } },
    });
  });

  it('writes readable, masked lines with the run fields when pretty', () => {
    const secret = 'hunter2-deploy-token-5f1c';
    const { stream, lines } = lineSink();
    const log = bindRun(createLogger({ pretty: true, destination: stream }), run, {
      masker: new SecretMasker([secret]),
    });
    log.info(`pushed with ${secret}`);
    const text = lines.join('\n');
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(lines[0]).toMatch(/INFO.*pushed with \*\*\*/);
    expect(text).toContain(`buildUuid: "${run.buildUuid}"`);
    expect(text).toContain(`deliveryId: "${run.deliveryId}"`);
    expect(text).not.toContain(secret);
  });
});
