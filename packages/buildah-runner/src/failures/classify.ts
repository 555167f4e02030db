import type { BuildFailureKind } from '@deployer/contracts';
import { BuildahError, type BuildahErrorCode } from './errors.js';

export interface FailureFacts {
  phase: 'build' | 'push';
  /** buildah's last `Error: …` message, without the prefix. */
  errorMessage: string | null;
  exitCode: number | null;
  signal: string | null;
  /** Set when this process stopped buildah. */
  stoppedBy: 'abort' | 'timeout' | null;
  /** The step running when it failed. */
  step: string | null;
  logTail: readonly string[];
  /** The push destination, for push failures. */
  ref?: string;
  /** Refs pushed before a push failed. */
  pushedRefs?: readonly string[];
  buildUuid?: string | null;
  service?: string;
}

const runFailedPattern = /^building at STEP "(.*)": exit status (\d+)$/s;
const runtimePattern = /while running runtime|container create message|error running container/i;
const dockerfilePattern =
  /unknown instruction|dockerfile parse error|parse error on line|no FROM statement|unknown flag|unexpected end of statement|invalid reference format/i;
const rejectedPattern =
  /unauthorized|authentication required|denied|forbidden|server gave HTTP response to HTTPS client|x509|certificate/i;
const notFoundPattern = /manifest unknown|name unknown|repository name not known/i;
const transientPattern =
  /connection refused|connection reset|broken pipe|i\/o timeout|\bEOF\b|TLS handshake timeout|no route to host|network is unreachable|no such host|too many requests|service unavailable|bad gateway|gateway timeout|internal server error|\b50[0234]\b/i;

/** The ref an error message names: `docker://REF: …` or buildah's `{{{"host" "repo"} "tag"}}`. */
export function refInMessage(message: string): string | undefined {
  const cache = /\{\{\{"([^"]+)" "([^"]+)"\} "([^"]+)"\}\}/.exec(message);
  if (cache !== null) return `${cache[1]}/${cache[2]}:${cache[3]}`;
  return /docker:\/\/([^\s"]+?):?(?:\s|"|$)/.exec(message)?.[1];
}

/** Turns how buildah ended into a typed error: who must act (user, registry, operator), and on what. */
export function classifyFailure(facts: FailureFacts): BuildahError {
  const base = {
    ...(facts.step === null ? {} : { step: facts.step }),
    ...(facts.buildUuid === undefined ? {} : { buildUuid: facts.buildUuid }),
    ...(facts.service === undefined ? {} : { service: facts.service }),
    ...(facts.pushedRefs === undefined ? {} : { pushedRefs: facts.pushedRefs }),
  };
  const make = (code: BuildahErrorCode, kind: BuildFailureKind, message: string, ref?: string) =>
    new BuildahError(code, message, {
      ...base,
      kind,
      logTail: facts.logTail,
      ...(ref === undefined ? {} : { ref }),
    });

  if (facts.stoppedBy === 'abort') return make('CANCELLED', 'cancelled', 'the build was cancelled');
  if (facts.stoppedBy === 'timeout') return make('TIMED_OUT', 'cancelled', 'the build ran out of time');
  if (facts.signal !== null) {
    return make('KILLED', 'internal', `buildah was killed by ${facts.signal}`);
  }

  const message = facts.errorMessage ?? `buildah exited with status ${facts.exitCode ?? 'unknown'}`;
  const ref = facts.ref ?? refInMessage(message);

  if (facts.phase === 'push') {
    // A push is idempotent, so anything but a refusal is worth a bounded retry: concurrent pushes of one
    // tag (environments with identical content) can make distribution reject a manifest once.
    const kind = rejectedPattern.test(message) ? 'registry' : 'transient';
    const pushed = facts.pushedRefs?.length ? ` (already pushed: ${facts.pushedRefs.join(', ')})` : '';
    return make('PUSH_FAILED', kind, `pushing ${facts.ref ?? 'the image'} failed${pushed}: ${message}`, ref);
  }
  const runFailed = runFailedPattern.exec(message);
  if (runFailed !== null && !runtimePattern.test(message)) {
    return make('RUN_FAILED', 'user', `step ${runFailed[1]} exited with status ${runFailed[2]}`);
  }
  if (runtimePattern.test(message)) {
    return make(
      'ISOLATION_FAILED',
      'internal',
      `buildah could not run a build container (${message}): use isolation "chroot" where there are no privileges`,
    );
  }
  if (dockerfilePattern.test(message))
    return make('DOCKERFILE_INVALID', 'user', `invalid Dockerfile: ${message}`);
  if (rejectedPattern.test(message)) return make('REGISTRY_REJECTED', 'registry', message, ref);
  if (notFoundPattern.test(message))
    return make('IMAGE_NOT_FOUND', 'user', `image ${ref ?? ''} not found: ${message}`, ref);
  if (transientPattern.test(message)) return make('REGISTRY_UNREACHABLE', 'transient', message, ref);
  if (message.startsWith('building at STEP')) return make('STEP_FAILED', 'user', message);
  return make('BUILD_FAILED', 'internal', message);
}
