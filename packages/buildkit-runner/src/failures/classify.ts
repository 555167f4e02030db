import type { ProgressSummary } from '../progress/progress-tracker.js';
import { isCountedStep, parseStepName } from '../progress/step-name.js';
import { BuildkitError, type BuildkitErrorCode, type BuildkitErrorDetails } from './errors.js';

export interface FailureContext {
  exitCode: number | null;
  /** The last lines buildctl/buildx printed that were not progress JSON (the final `error:` line among them). */
  output: readonly string[];
  progress: ProgressSummary;
  buildUuid?: string | null;
  service?: string;
}

const OUTPUT_TAIL = 15;

const dockerfileError =
  /dockerfile parse error|failed to parse dockerfile|unknown instruction|failed to read dockerfile|syntax error/i;
const missingBlob =
  /(?:could not fetch content descriptor|content digest) (sha256:[0-9a-f]{64})[^\n]*not found/;
const processExit = /did not complete successfully|exit code: (\d+)|executor failed running/;
const pushFailed = /failed to push (\S+): /;
const pullFailed =
  /failed to resolve source metadata for (\S+): |pull access denied for ([^\s,]+)|failed to load cache key: (\S+): not found/;
const registryAuth = /\b(?:401 Unauthorized|403 Forbidden|unauthorized|denied|authentication required)\b/i;
const registryUnreachable = /connection refused|no such host|i\/o timeout|network is unreachable|dial tcp/;
/**
 * The registry answered but could not serve the request now: a 5xx or 429 status as containerd's resolver
 * prints it (`failed with status code [manifests …]: 500 Internal Server Error`, `unexpected status: 503 …`).
 * distribution's filesystem storage rewrites a link file in place (truncate, then write), so environments
 * pushing the same content tag at once can make a concurrent read of that tag fail once with a 500.
 */
/**
 * The registry refused a manifest BuildKit had just uploaded the blobs of (400 on its commit, the image's
 * `manifest-sha256:…` or a cache export's `sha256:…`): distribution answers so (MANIFEST_BLOB_UNKNOWN) when a
 * garbage collection removed the layers between their upload and the manifest's PUT. Another run uploads
 * them again.
 */
const manifestRefused = /failed commit on ref "(?:manifest-)?sha256:[0-9a-f]{64}": unexpected status: 400\b/;
const registryBusy =
  /(?:status code \[[^\]]*\]|unexpected status(?: from \S+ request to \S+)?): (?:5\d\d|429)\b/;
const daemonUnreachable =
  /failed to list workers|error while dialing|failed to dial|connection error|No such container|pods? ".*" not found/;
const connectionLost =
  /\bUnavailable\b|transport is closing|connection reset by peer|\bEOF\b|broken pipe|connection refused/;

/** The `error: …` (buildctl) or `ERROR: …` (buildx) line, BuildKit's own summary of the failure. */
function finalError(output: readonly string[]): string | null {
  for (let index = output.length - 1; index >= 0; index -= 1) {
    const match = /^(?:error|ERROR):? (.*)$/.exec(output[index] ?? '');
    if (match?.[1] !== undefined) return match[1];
  }
  return null;
}

/** The blob digest BuildKit could not fetch, when a failure is one. */
export function missingBlobDigest(message: string): string | null {
  return missingBlob.exec(message)?.[1] ?? null;
}

/**
 * Sorts a failed build into what the caller does next:
 * - user: Dockerfile parse errors and failing Dockerfile steps (named, with their last log lines);
 * - corrupt-cache: a blob missing from the registry while cache was imported. All refs whose import
 *   succeeded are suspects (BuildKit does not say which ref a blob came from): `corruptCacheRefs`;
 * - registry: push and base-image failures, with the ref;
 * - transient: the daemon unreachable or the connection to it lost, the registry answering 5xx/429, or
 *   refusing a manifest whose blobs it lost mid-push;
 * - internal: anything else.
 */
export function classifyFailure(context: FailureContext): BuildkitError {
  const { progress, output } = context;
  const failed = progress.failedStep;
  const summary = finalError(output);
  const message =
    summary ?? failed?.error ?? output.at(-1) ?? `buildctl exited with code ${context.exitCode}`;
  const evidence = `${message}\n${failed?.error ?? ''}`;
  const base = {
    buildUuid: context.buildUuid ?? null,
    ...(context.service === undefined ? {} : { service: context.service }),
    ...(context.exitCode === null ? {} : { exitCode: context.exitCode }),
  };
  const fail = (code: BuildkitErrorCode, text: string, details: BuildkitErrorDetails = {}) =>
    new BuildkitError(code, text, { ...base, ...details });

  const blob = missingBlobDigest(evidence);
  if (blob !== null && progress.importedCacheRefs.length > 0) {
    return fail(
      'CORRUPT_CACHE',
      `blob ${blob} of an imported cache is missing from the registry (imported: ${progress.importedCacheRefs.join(', ')}): ${message}`,
      { corruptCacheRefs: [...progress.importedCacheRefs], ...(failed ? { step: failed.name } : {}) },
    );
  }

  if (failed !== null && isCountedStep(failed.name) && processExit.test(failed.error)) {
    const exitCode = /exit code: (\d+)/.exec(failed.error)?.[1];
    return fail('STEP_FAILED', `step ${failed.name} failed: ${failed.error}`, {
      step: failed.name,
      logTail: failed.logTail,
      ...(exitCode === undefined ? {} : { exitCode: Number(exitCode) }),
    });
  }

  if (dockerfileError.test(message)) {
    const location = output.find((line) => /^Dockerfile(?:\.\S+)?:\d+$/.test(line));
    return fail('DOCKERFILE_ERROR', `Dockerfile error: ${message}`, {
      ...(location === undefined ? {} : { step: location }),
      logTail: output.slice(-OUTPUT_TAIL),
    });
  }

  const push = pushFailed.exec(evidence);
  const pull = pullFailed.exec(evidence);
  if (registryBusy.test(evidence)) {
    const ref = push?.[1] ?? pull?.[1] ?? pull?.[2] ?? pull?.[3];
    return fail(
      'REGISTRY_UNAVAILABLE',
      `the registry could not serve ${ref ?? 'a request'} now: ${message}`,
      {
        ...(ref === undefined ? {} : { ref }),
        ...(failed ? { step: failed.name } : {}),
      },
    );
  }
  if (manifestRefused.test(evidence)) {
    const ref = push?.[1];
    return fail(
      'MANIFEST_REFUSED',
      `the registry refused a manifest after its blobs were uploaded: ${message}`,
      {
        ...(ref === undefined ? {} : { ref }),
        ...(failed ? { step: failed.name } : {}),
      },
    );
  }
  if (push?.[1] !== undefined) {
    const code = registryAuth.test(evidence)
      ? 'REGISTRY_AUTH'
      : registryUnreachable.test(evidence)
        ? 'REGISTRY_UNREACHABLE'
        : 'PUSH_FAILED';
    return fail(code, `pushing ${push[1]} failed: ${message}`, {
      ref: push[1],
      ...(failed ? { step: failed.name } : {}),
    });
  }

  const baseStep =
    failed !== null && parseStepName(failed.name).kind === 'dockerfile' && !isCountedStep(failed.name);
  if (pull !== null || baseStep) {
    const ref = pull?.[1] ?? pull?.[2] ?? pull?.[3] ?? /FROM (\S+)/.exec(failed?.name ?? '')?.[1];
    const code = registryAuth.test(evidence) ? 'REGISTRY_AUTH' : 'PULL_FAILED';
    return fail(code, `pulling ${ref ?? 'the base image'} failed: ${message}`, {
      ...(ref === undefined ? {} : { ref }),
      ...(failed ? { step: failed.name } : {}),
    });
  }

  if (failed !== null && isCountedStep(failed.name) && !connectionLost.test(failed.error)) {
    return fail('STEP_FAILED', `step ${failed.name} failed: ${failed.error}`, {
      step: failed.name,
      logTail: failed.logTail,
    });
  }

  if (daemonUnreachable.test(evidence)) {
    return fail('DAEMON_UNREACHABLE', `BuildKit daemon unreachable: ${message}`, {
      logTail: output.slice(-OUTPUT_TAIL),
    });
  }
  if (connectionLost.test(evidence)) {
    return fail('CONNECTION_LOST', `connection to BuildKit lost: ${message}`, {
      logTail: output.slice(-OUTPUT_TAIL),
    });
  }
  return fail('BUILD_FAILED', `build failed: ${message}`, {
    ...(failed ? { step: failed.name } : {}),
    logTail: failed?.logTail.length ? failed.logTail : output.slice(-OUTPUT_TAIL),
  });
}
