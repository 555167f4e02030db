/**
 * Children that must not outlive this process, even when it exits without stopping them (a test runner's
 * `process.exit()`, an uncaught error). execa's own cleanup covers signals; this covers the `exit` event.
 * A SIGKILLed deployer runs no hook at all: that case is setpriv's (see launch/engine-launch.ts).
 */

/** A single process, or the whole process group it leads. */
export type ChildScope = 'process' | 'group';

const live = new Map<number, ChildScope>();
let exitHookInstalled = false;

/** Remembers a child so that it is SIGKILLed when this process exits, unless untracked first. */
export function trackChild(pid: number, scope: ChildScope): void {
  live.set(pid, scope);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const [child, childScope] of live) {
        try {
          process.kill(childScope === 'group' ? -child : child, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }
}

export function untrackChild(pid: number): void {
  live.delete(pid);
}
