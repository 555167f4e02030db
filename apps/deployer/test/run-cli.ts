import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The `deployer` bin a user runs: the committed launcher, which runs the built bundle. */
export const binPath = fileURLToPath(new URL('../bin/deployer.cjs', import.meta.url));
/** The built command's bundle (scripts/bundle.mjs), which the bin runs. */
export const bundlePath = fileURLToPath(new URL('../dist/deployer.cjs', import.meta.url));
/** esbuild's metafile of the built command: which sources the bundle holds. */
export const bundleMetaPath = fileURLToPath(new URL('../dist/bundle-meta.json', import.meta.url));

/** Runs the built `deployer` binary as a user would, never throwing on a non-zero exit. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  const result = await execa('node', [binPath, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    ...(options.cwd && { cwd: options.cwd }),
    timeout: 120_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
