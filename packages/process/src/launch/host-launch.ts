import { accessSync, constants, statSync } from 'node:fs';
import { type EngineLaunch, planEngineLaunch } from './engine-launch.js';

/**
 * The argv that starts `file` on this host so that it dies with this process (engine-launch.ts with the
 * file system's answers). A host without setpriv gets one warning per process, not one per build.
 */
export function launchOnThisHost(
  file: string,
  args: readonly string[],
  pathVariable: string | undefined,
): EngineLaunch {
  const { launch, warning } = planEngineLaunch({
    platform: process.platform,
    file,
    args,
    pathVariable,
    isExecutable,
  });
  if (warning !== null) warnOnce(warning);
  return launch;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(message, { code: 'DEPLOYER_ENGINE_OUTLIVES_KILL' });
}
