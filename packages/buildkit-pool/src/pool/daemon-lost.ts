import { checkDaemon, type HealthCheckOptions } from '../daemons/health-check.js';

/** Failures that say the daemon, not the build, failed. */
const daemonFailureCodes = new Set(['DAEMON_UNREACHABLE', 'CONNECTION_LOST']);

/**
 * A daemon that shuts down (SIGTERM, a pod evicted) cancels its running steps before it goes: buildctl
 * then reports a failing step (`exit code: 137: context canceled`), indistinguishable by its text from a
 * step the user's Dockerfile broke. So a step that failed with `context canceled`, when deployer did
 * not cancel it, counts as lost with the daemon if the daemon stops answering within this long.
 */
const shutdownWindowMs = 5_000;
const shutdownPollMs = 250;

/**
 * Whether a failed build was lost with its daemon (to be retried on the next daemon), rather than
 * failing on its own (a user error, a registry error: never retried elsewhere).
 */
export async function lostWithDaemon(
  error: unknown,
  daemon: string,
  health: HealthCheckOptions,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (signal?.aborted) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && daemonFailureCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  if (!/context canceled/i.test(message)) return false;
  const deadline = Date.now() + shutdownWindowMs;
  for (;;) {
    const check = await checkDaemon(daemon, {
      ...health,
      timeoutMs: Math.min(health.timeoutMs ?? 2_000, 2_000),
    });
    if (!check.ok) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, shutdownPollMs));
  }
}
