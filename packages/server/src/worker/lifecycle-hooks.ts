import type { LifecycleHooks } from '@deployer/contracts';

type HookName = keyof LifecycleHooks;
type HookContext<Name extends HookName> = Parameters<NonNullable<LifecycleHooks[Name]>>[0];

/** Calls a config module's hooks around the worker's builds and teardowns. */
export type LifecycleCaller = <Name extends HookName>(
  name: Name,
  context: HookContext<Name>,
) => Promise<void>;

/**
 * The operator's hooks (its config module's, in order), each awaited. Under `serve` a hook that throws is
 * reported through `onError` and never fails or stops a build: the build belongs to a pull request, the
 * hook to the platform, and the next hook still runs.
 */
export function lifecycleCaller(
  hooks: readonly LifecycleHooks[],
  onError: (name: HookName, index: number, error: unknown) => void,
): LifecycleCaller {
  return async (name, context) => {
    for (const [index, each] of hooks.entries()) {
      const hook = each[name] as ((context: HookContext<typeof name>) => void | Promise<void>) | undefined;
      if (hook === undefined) continue;
      try {
        await hook.call(each, context);
      } catch (error) {
        onError(name, index, error);
      }
    }
  };
}
