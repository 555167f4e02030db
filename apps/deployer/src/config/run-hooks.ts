import { CodedError, type LifecycleHooks } from '@deployer/contracts';
import type { LoadedConfig } from './load-config-module.js';

/** A config module's hook threw: the command exits 1 naming the hook and the module. */
export class HookError extends CodedError<'HOOK_FAILED'> {
  override readonly name = 'HookError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('HOOK_FAILED', message, options);
  }
}

type HookName = keyof LifecycleHooks;
type HookContext<Name extends HookName> = Parameters<NonNullable<LifecycleHooks[Name]>>[0];

/**
 * Calls every hooks object's `name` hook in the config's order (its own first, then each plugin's), each
 * awaited. The first that throws stops the rest and becomes a `HookError` naming it: under the CLI a hook
 * is part of the command (a Helm values file that was not written must not look like success).
 */
export async function runHooks<Name extends HookName>(
  config: Pick<LoadedConfig, 'file' | 'hooks'>,
  name: Name,
  context: HookContext<Name>,
): Promise<void> {
  for (const [index, hooks] of config.hooks.entries()) {
    const hook = hooks[name] as ((context: HookContext<Name>) => void | Promise<void>) | undefined;
    if (hook === undefined) continue;
    try {
      await hook.call(hooks, context);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new HookError(`${name} hook ${index + 1} of config module ${config.file} failed: ${message}`, {
        cause: error,
      });
    }
  }
}
