import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBuildMetadata } from '../src/attempt/metadata.js';
import { classifyFailure } from '../src/failures/classify.js';
import type { ProgressSummary } from '../src/progress/progress-tracker.js';
import { type FixtureCase, fixturePath, plainLog, R, recordedExitCode, traceSummary } from './helpers.js';

const emptyProgress: ProgressSummary = {
  steps: { total: 0, cached: 0, shared: 0 },
  cacheHitRatio: 0,
  stepTimings: [],
  missingCacheRefs: [],
  importedCacheRefs: [],
  failedStep: null,
};

/** Classifies a recorded failure from what the runner sees: buildctl's output and the trace. */
async function classifyRecording(name: FixtureCase, progress?: ProgressSummary) {
  return classifyFailure({
    exitCode: recordedExitCode(name),
    output: plainLog(name),
    progress: progress ?? (await traceSummary(name)),
    buildUuid: 'wandering-credit-924200',
    service: 'web',
  });
}

describe('classifyFailure on the recordings', () => {
  it('failing RUN: a user error naming the step, with its last log lines and exit code', async () => {
    const error = await classifyRecording('05-run-step-fails');
    expect(error).toMatchObject({
      code: 'STEP_FAILED',
      kind: 'user',
      step: '[2/2] RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3',
      logTail: ['about to fail', 'missing-module: not found'],
      exitCode: 3,
      buildUuid: 'wandering-credit-924200',
      service: 'web',
    });
  });

  it('Dockerfile syntax error: a user error at its line, with the snippet', async () => {
    const error = await classifyRecording('06-dockerfile-syntax-error');
    expect(error).toMatchObject({ code: 'DOCKERFILE_ERROR', kind: 'user', step: 'Dockerfile:2' });
    expect(error.message).toContain('unknown instruction: RUNN');
    expect(error.logTail).toContain('   2 | >>> RUNN echo typo');
  });

  it('unreachable registry: a registry error with the image ref', async () => {
    const error = await classifyRecording('07-registry-unreachable');
    expect(error).toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      kind: 'registry',
      ref: '127.0.0.1:5999/shop/web:z',
    });
  });

  it('unreachable daemon (no trace at all): transient', async () => {
    const error = await classifyRecording('08-daemon-unreachable', emptyProgress);
    expect(error).toMatchObject({ code: 'DAEMON_UNREACHABLE', kind: 'transient' });
    expect(error.message).toContain('failed to list workers');
  });

  it('corrupt fallback cache: the successfully imported ref is the suspect', async () => {
    const error = await classifyRecording('09-corrupt-fallback-cache');
    expect(error).toMatchObject({
      code: 'CORRUPT_CACHE',
      kind: 'corrupt-cache',
      corruptCacheRefs: [`${R}/cache/shop/web/main:cache`],
    });
    expect(error.message).toContain(
      'sha256:130af66c41213ddc4ab6166cb92548191d3c092ca21fda29e74645bac58d11d9',
    );
  });

  it('a missing blob with nothing imported is a push failure, not corrupt cache', async () => {
    const progress = { ...(await traceSummary('09-corrupt-fallback-cache')), importedCacheRefs: [] };
    const error = await classifyRecording('09-corrupt-fallback-cache', progress);
    expect(error).toMatchObject({ code: 'PUSH_FAILED', kind: 'registry', ref: `${R}/shop/web:corrupt` });
  });
});

describe('classifyFailure on other BuildKit messages', () => {
  const classify = (line: string, progress: ProgressSummary = emptyProgress) =>
    classifyFailure({ exitCode: 1, output: [`error: ${line}`], progress });

  it.each([
    [
      'failed to solve: rpc error: code = Unavailable desc = error reading from server: EOF',
      'CONNECTION_LOST',
    ],
    [
      'failed to solve: read tcp 10.0.0.2:50000->10.0.0.5:1234: read: connection reset by peer',
      'CONNECTION_LOST',
    ],
    [
      'failed to dial gRPC: cannot connect to the BuildKit daemon: dial tcp 10.0.0.5:1234: connect: connection refused',
      'DAEMON_UNREACHABLE',
    ],
    [
      'failed to solve: failed to push r.example/shop/web:1: unexpected status: 401 Unauthorized',
      'REGISTRY_AUTH',
    ],
    [
      'failed to solve: failed to push r.example/shop/web:1: unexpected status: 500 Internal Server Error',
      'REGISTRY_UNAVAILABLE',
    ],
    [
      'failed to solve: failed to push r.example/shop/web:1: unexpected status: 400 Bad Request',
      'PUSH_FAILED',
    ],
    [
      `failed to solve: failed to push r.example/shop/web:1: failed commit on ref "manifest-sha256:${'a'.repeat(64)}": unexpected status: 400 Bad Request`,
      'MANIFEST_REFUSED',
    ],
    [
      `failed to solve: error writing manifest blob: failed commit on ref "sha256:${'b'.repeat(64)}": unexpected status: 400 Bad Request`,
      'MANIFEST_REFUSED',
    ],
    [
      `failed to solve: failed to push r.example/shop/web:1: failed commit on ref "layer-sha256:${'c'.repeat(64)}": unexpected status: 400 Bad Request`,
      'PUSH_FAILED',
    ],
    [
      'failed to solve: r.example/shop/base:c0ffee: pulling from host r.example failed with status code [manifests c0ffee]: 500 Internal Server Error',
      'REGISTRY_UNAVAILABLE',
    ],
    [
      'failed to solve: r.example/base:1: failed to resolve source metadata for r.example/base:1: unexpected status from HEAD request to https://r.example/v2/base/manifests/1: 429 Too Many Requests',
      'REGISTRY_UNAVAILABLE',
    ],
    [
      'failed to solve: r.example/base:1: failed to resolve source metadata for r.example/base:1: r.example/base:1: not found',
      'PULL_FAILED',
    ],
    ['failed to solve: something nobody anticipated', 'BUILD_FAILED'],
  ])('%s → %s', (line, code) => {
    expect(classify(line).code).toBe(code);
  });

  it('a registry answering 5xx is transient (retried), naming the ref; a RUN step printing one is still the step', () => {
    const error = classify(
      'failed to solve: failed to push r.example/shop/web:1: unexpected status: 503 Service Unavailable',
    );
    expect(error).toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      kind: 'transient',
      ref: 'r.example/shop/web:1',
    });
    const failedStep = {
      name: '[2/2] RUN curl -f https://example.test/',
      error: 'process "/bin/sh -c …" did not complete successfully: exit code: 22',
      logTail: ['curl: (22) The requested URL returned error: 500 Internal Server Error'],
    };
    expect(classify(failedStep.error, { ...emptyProgress, failedStep })).toMatchObject({
      code: 'STEP_FAILED',
    });
  });

  it('names the base image of a failed pull', () => {
    const error = classify(
      'failed to solve: r.example/base:1: failed to resolve source metadata for r.example/base:1: r.example/base:1: not found',
    );
    expect(error).toMatchObject({ kind: 'registry', ref: 'r.example/base:1' });
  });

  it('a COPY of a missing file is the user’s step error', () => {
    const failedStep = {
      name: '[2/3] COPY missing.txt /app/',
      error: 'failed to calculate checksum of ref abc::def: "/missing.txt": not found',
      logTail: [],
    };
    const error = classify(`failed to solve: ${failedStep.error}`, { ...emptyProgress, failedStep });
    expect(error).toMatchObject({ code: 'STEP_FAILED', kind: 'user', step: failedStep.name });
  });

  it('a RUN command that merely mentions a syntax error is still its step failing', () => {
    const failedStep = {
      name: '[2/2] RUN echo "syntax error" && exit 2',
      error: 'process "/bin/sh -c …" did not complete successfully: exit code: 2',
      logTail: ['syntax error'],
    };
    expect(classify(failedStep.error, { ...emptyProgress, failedStep })).toMatchObject({
      code: 'STEP_FAILED',
      exitCode: 2,
    });
  });
});

describe('parseBuildMetadata', () => {
  it('reads the image digest and the exported cache manifest digest', () => {
    expect(
      parseBuildMetadata(readFileSync(fixturePath('03-new-env-with-fallback', 'metadata.json'), 'utf8')),
    ).toEqual({
      imageDigest: 'sha256:737faf4351e8329f9d9d35d112a89ab365a9055ac1667d06dd38b1944d6fe6e0',
      cacheManifestDigest: 'sha256:aaa0a0d8afa8fdf39f143842124d8c339512abb6b242110ce07ec102e20827b4',
    });
  });

  it('yields nulls for what is absent or malformed', () => {
    expect(parseBuildMetadata('{"containerimage.digest":"sha256:abc"}')).toEqual({
      imageDigest: null,
      cacheManifestDigest: null,
    });
    expect(parseBuildMetadata('not json')).toEqual({ imageDigest: null, cacheManifestDigest: null });
  });
});
