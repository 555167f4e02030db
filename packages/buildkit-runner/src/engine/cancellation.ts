import { BuildkitError } from '../failures/errors.js';

export interface Cancellation {
  signal: AbortSignal;
  /** The error to report once `signal` aborted. */
  error(): BuildkitError;
  dispose(): void;
}

/** One signal for the caller's abort and the request's timeout; its reason tells which one fired. */
export function cancellation(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  context: { buildUuid: string | null; service: string },
): Cancellation {
  const controller = new AbortController();
  const abort = () =>
    controller.abort(new BuildkitError('CANCELLED', `build of ${context.service} cancelled`, context));
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new BuildkitError(
                'TIMEOUT',
                `build of ${context.service} timed out after ${timeoutMs} ms`,
                context,
              ),
            ),
          timeoutMs,
        );
  return {
    signal: controller.signal,
    error: () =>
      controller.signal.reason instanceof BuildkitError
        ? controller.signal.reason
        : new BuildkitError('CANCELLED', `build of ${context.service} cancelled`, context),
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    },
  };
}
