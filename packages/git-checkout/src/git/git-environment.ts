import { allowedProtocols } from '../validate/clone-url.js';

/**
 * `-c` settings on every git command: only the allowed transports (never `ext::`, which runs a command),
 * protocol v2 (servers hand out any commit they hold by its id, see the README), no hooks, no fsmonitor, no
 * credential helpers, no submodules.
 */
export const gitConfigArgs: readonly string[] = [
  ['protocol.allow', 'never'],
  ...allowedProtocols.map((protocol) => [`protocol.${protocol}.allow`, 'always']),
  ['protocol.ext.allow', 'never'],
  ['protocol.version', '2'],
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['credential.helper', ''],
  ['submodule.recurse', 'false'],
  ['fetch.recurseSubmodules', 'false'],
  ['advice.detachedHead', 'false'],
  ['init.defaultBranch', 'checkout'],
].flatMap(([key, value]) => ['-c', `${key}=${value}`]);

/**
 * The environment git runs in: no prompt for credentials (terminal, askpass or ssh), no system or user
 * configuration (their hooks, helpers, `url.*.insteadOf`), and none of the caller's `GIT_*` variables that
 * would point git at another repository or configuration. ssh still reads the user's keys (~/.ssh).
 */
export function gitEnvironment(gitDir?: string, workTree?: string): Record<string, string | undefined> {
  return {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: undefined,
    SSH_ASKPASS: undefined,
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_SYSTEM: '/dev/null',
    GIT_CONFIG_PARAMETERS: undefined,
    GIT_CONFIG_COUNT: undefined,
    GIT_ALLOW_PROTOCOL: allowedProtocols.join(':'),
    GIT_PROTOCOL_FROM_USER: undefined,
    GIT_DIR: gitDir,
    GIT_WORK_TREE: workTree,
    GIT_INDEX_FILE: undefined,
    GIT_OBJECT_DIRECTORY: undefined,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined,
    GIT_NAMESPACE: undefined,
    GIT_CEILING_DIRECTORIES: undefined,
    GIT_DISCOVERY_ACROSS_FILESYSTEM: undefined,
    LC_ALL: 'C',
  };
}
