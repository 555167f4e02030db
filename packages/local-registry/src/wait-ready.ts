import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `GET /v2/` until the registry answers 200 (open) or 401 (auth enabled): either means it serves.
 * `isAlive` lets the caller stop early when the process has already exited.
 */
export async function waitForRegistry(
  url: string,
  options: { timeoutMs: number; isAlive: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (!options.isAlive()) return false;
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  return false;
}
