import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPostgresBinaries } from '@deployer/local-postgres';
import { execa } from 'execa';
import { afterEach } from 'vitest';
import { staticBusybox } from '../buildkit-daemon.js';
import { type LocalProcess, which } from './one-machine.js';

/** ../shared/buildkit: the scripts that build BuildKit v0.11.6 offline (buildkitd, buildctl). */
export const sharedBuildkit = resolve(import.meta.dirname, '../../../../../../shared/buildkit');

const onPath = (command: string, extra: readonly string[] = []) => which(command, extra) !== undefined;

/**
 * Why the manifests cannot run whole on this machine, or undefined. Only what the test cannot do without:
 * the shared BuildKit build (root daemons), openssl, dnsmasq, Postgres, the test registry and a static
 * busybox (the base image). CI has them all, so there it runs.
 */
export async function oneMachineSkipReason(suite: string): Promise<string | undefined> {
  const postgres = await findPostgresBinaries().then(
    () => undefined,
    (error: Error) => error.message,
  );
  const reason = !existsSync(join(sharedBuildkit, 'build'))
    ? `no shared BuildKit build at ${sharedBuildkit}`
    : process.getuid?.() !== 0
      ? 'the shared BuildKit daemons run as root'
      : !onPath('openssl')
        ? 'no openssl (apt-get install openssl)'
        : !onPath('dnsmasq', ['/usr/sbin'])
          ? 'no dnsmasq (apt-get install dnsmasq-base)'
          : !onPath('unshare')
            ? 'no unshare (util-linux)'
            : postgres !== undefined
              ? postgres
              : !process.env.DEPLOYER_TEST_REGISTRY
                ? 'DEPLOYER_TEST_REGISTRY is not set'
                : staticBusybox() === undefined
                  ? 'no static busybox (apt-get install busybox-static)'
                  : undefined;
  if (reason !== undefined) console.log(`skipping ${suite}: ${reason}`);
  return reason;
}

export interface Started {
  pod: string;
  /** Everything it printed so far, stdout and stderr interleaved. */
  log(): string;
  running(): boolean;
  /** Resolves when it ends. */
  ended: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  /** The kubelet's stop: SIGTERM, SIGKILL after the grace period; resolves when it has ended. */
  stop(): Promise<{ exitCode: number | undefined; signal: string | undefined }>;
}

const started = new Set<Started>();

// A failed test shows what the pods it started printed: the first thing to read when it fails in CI.
afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const pod of started)
    console.log(`--- ${pod.pod} (last 6000 characters) ---\n${pod.log().slice(-6000)}`);
});

/** How a pod's process starts: it dies with the test (setpriv --pdeathsig), with its own environment only. */
function spawn(local: LocalProcess, options: { timeout?: number; buffer?: boolean } = {}) {
  const setpriv = which('setpriv', ['/usr/bin', '/bin']) ?? 'setpriv';
  return execa(setpriv, ['--pdeathsig', 'KILL', '--', local.file, ...local.args], {
    cwd: local.cwd,
    env: local.env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    forceKillAfterDelay: local.killGraceMs,
    ...options,
  });
}

/** Starts a long-running pod's process (a daemon, a serve replica). */
export function startLocal(local: LocalProcess): Started {
  const child = spawn(local, { buffer: false });
  let output = '';
  let done = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ended = child.then((result) => {
    done = true;
    return { exitCode: result.exitCode, signal: result.signal };
  });
  const pod: Started = {
    pod: local.pod,
    log: () => output,
    running: () => !done,
    ended,
    async stop() {
      if (!done) child.kill('SIGTERM');
      return ended;
    },
  };
  started.add(pod);
  return pod;
}

/** Stops every pod started, in reverse order (replicas before the daemons they build on). */
export async function stopAllLocal(): Promise<void> {
  for (const pod of [...started].reverse()) await pod.stop().catch(() => {});
  started.clear();
}

/** Runs a one-off pod's process (a Job's) to its end; never throws on a non-zero exit. */
export async function runLocal(local: LocalProcess, timeoutMs: number) {
  const result = await spawn(local, { timeout: timeoutMs });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}
