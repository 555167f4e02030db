import { describe, expect, it } from 'vitest';
import { classifyFailure, type FailureFacts, refInMessage } from '../src/failures/classify.js';
import { BuildahError } from '../src/failures/errors.js';
import { readTranscript, replay } from './helpers/transcript.js';

/** The facts the engine hands the classifier after a recorded build. */
function buildFacts(name: string, overrides: Partial<FailureFacts> = {}): FailureFacts {
  const { summary, parser, exit } = replay(name);
  const step = parser.currentStep;
  const signal = exit.startsWith('signal ') ? exit.slice('signal '.length) : null;
  return {
    phase: 'build',
    errorMessage: summary.errorMessage,
    exitCode: signal === null ? Number(exit) : null,
    signal,
    stoppedBy: null,
    step: step?.name ?? null,
    logTail: step?.logTail ?? [],
    buildUuid: 'wandering-credit-924200',
    service: 'web',
    ...overrides,
  };
}

describe('classifyFailure on recorded failures', () => {
  it('makes a failing RUN a user error naming the step, with its log tail', () => {
    const error = classifyFailure(buildFacts('05-run-step-fails'));
    expect(error).toBeInstanceOf(BuildahError);
    expect(error).toMatchObject({
      code: 'RUN_FAILED',
      kind: 'user',
      step: 'RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3',
      buildUuid: 'wandering-credit-924200',
      service: 'web',
    });
    expect(error.message).toMatch(/exited with status 3$/);
    expect(error.logTail).toEqual(expect.arrayContaining(['about to fail', 'missing-module: not found']));
  });

  it('makes an unknown instruction an invalid Dockerfile', () => {
    expect(classifyFailure(buildFacts('06-dockerfile-syntax-error'))).toMatchObject({
      code: 'DOCKERFILE_INVALID',
      kind: 'user',
    });
  });

  it('makes an unreachable base image registry transient, naming the ref', () => {
    expect(classifyFailure(buildFacts('07-base-registry-unreachable'))).toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      kind: 'transient',
      ref: '127.0.0.1:5999/base/busybox:latest',
    });
  });

  it('makes an unreachable cache registry transient, naming the cache image', () => {
    expect(classifyFailure(buildFacts('08-cache-registry-unreachable'))).toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      kind: 'transient',
      ref: '127.0.0.1:5999/cache/shop/web/main:de1d7264134c3310d1279db7d9f0d0b725f729080c000f184c87ddedb8628a9e',
    });
  });

  it('reports a build killed from outside as failed with the signal', () => {
    const error = classifyFailure(buildFacts('09-killed-mid-run'));
    expect(error).toMatchObject({
      code: 'KILLED',
      kind: 'internal',
      step: 'RUN echo "started" && sleep 60 && echo "finished"',
    });
    expect(error.message).toBe('buildah was killed by SIGKILL');
  });

  it('reports a build this process stopped as cancelled or timed out, whatever the signal', () => {
    expect(classifyFailure(buildFacts('09-killed-mid-run', { stoppedBy: 'abort' }))).toMatchObject({
      code: 'CANCELLED',
      kind: 'cancelled',
    });
    expect(classifyFailure(buildFacts('09-killed-mid-run', { stoppedBy: 'timeout' }))).toMatchObject({
      code: 'TIMED_OUT',
      kind: 'cancelled',
    });
  });

  it('makes a COPY of a missing file a user error', () => {
    expect(classifyFailure(buildFacts('13-copy-source-missing'))).toMatchObject({
      code: 'STEP_FAILED',
      kind: 'user',
      step: 'COPY missing.txt /missing.txt',
    });
  });

  it('makes a missing base image a user error naming it', () => {
    expect(classifyFailure(buildFacts('14-base-image-not-found'))).toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      kind: 'user',
      ref: '127.0.0.1:5077/base/nothing:latest',
    });
  });

  it('makes a runtime that cannot start containers an internal error, not a user one', () => {
    const error = classifyFailure(buildFacts('16-oci-isolation-unavailable'));
    expect(error).toMatchObject({ code: 'ISOLATION_FAILED', kind: 'internal' });
    expect(error.message).toContain('chroot');
  });

  it('retries a push the registry did not refuse, and not one it refused', () => {
    const facts = {
      phase: 'push' as const,
      exitCode: 125,
      signal: null,
      stoppedBy: null,
      step: null,
      logTail: [],
      ref: '127.0.0.1:5077/shop/web:38c4b829a11e',
    };
    const raced = classifyFailure({
      ...facts,
      errorMessage:
        'pushing image "sha256:f8a2" to "docker://127.0.0.1:5077/shop/web:38c4b829a11e": writing manifest: uploading manifest 38c4b829a11e to 127.0.0.1:5077/shop/web: errors: manifest blob unknown: blob unknown to registry',
    });
    expect([raced.code, raced.kind]).toEqual(['PUSH_FAILED', 'transient']);
    const refused = classifyFailure({
      ...facts,
      errorMessage:
        'pushing image to "docker://127.0.0.1:5077/shop/web:1": denied: requested access to the resource is denied',
    });
    expect([refused.code, refused.kind]).toEqual(['PUSH_FAILED', 'registry']);
  });

  it('types a failed push with its ref and the refs pushed before it', () => {
    const { lines, exit } = readTranscript('12-push-registry-unreachable');
    const errorLine = lines.findLast((line) => line.line.startsWith('Error: '))!.line;
    const error = classifyFailure({
      phase: 'push',
      errorMessage: errorLine.slice('Error: '.length),
      exitCode: Number(exit),
      signal: null,
      stoppedBy: null,
      step: null,
      logTail: [],
      ref: '127.0.0.1:5999/shop/web:x',
      pushedRefs: ['127.0.0.1:5077/shop/web:1'],
    });
    expect(error).toMatchObject({
      code: 'PUSH_FAILED',
      kind: 'transient',
      ref: '127.0.0.1:5999/shop/web:x',
      pushedRefs: ['127.0.0.1:5077/shop/web:1'],
    });
    expect(error.message).toContain('already pushed: 127.0.0.1:5077/shop/web:1');
  });
});

describe('refInMessage', () => {
  it("reads docker:// refs and buildah's printed cache references", () => {
    expect(refInMessage('pushing image "x" to "docker://r:5000/a/b:t": trying')).toBe('r:5000/a/b:t');
    expect(refInMessage('initializing source docker://r:5000/a/b:latest: pinging')).toBe('r:5000/a/b:latest');
    expect(refInMessage('failed pushing cache to {{{"r:5000" "cache/web/main"} "abc"}}: EOF')).toBe(
      'r:5000/cache/web/main:abc',
    );
    expect(refInMessage('exit status 3')).toBeUndefined();
  });
});
