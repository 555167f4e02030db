import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildkitSkipReason } from './buildkit-daemon.js';
import { sharedBuildkit } from './kubernetes/local-processes.js';

/*
 * A BuildKit daemon of a suite's own, for suites that count cached steps: they prune its local cache
 * (`buildctl prune --all`) before each measured build, so every hit comes from the registry. The daemon the
 * other suites share (BUILDKIT_HOST) is never pruned: its local cache is theirs.
 */

export interface OwnBuildkitDaemon {
  /** `unix://…/buildkitd.sock`: what `serve` gets as BUILDKIT_HOST. */
  host: string;
  /** Empties the daemon's local cache, so the next build's hits can only come from imported caches. */
  prune(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Why a suite that starts its own daemon cannot run here (the shared BuildKit build, root, the test
 * registry and a static busybox), or undefined. CI has them all (.ci/test-services starts BUILDKIT_HOST's
 * daemon from the same scripts), so there it runs.
 */
export function ownBuildkitSkipReason(suite: string): string | undefined {
  const shared = buildkitSkipReason(suite);
  if (shared !== undefined) return shared;
  const reason = !existsSync(join(sharedBuildkit, 'start'))
    ? `no shared BuildKit scripts at ${sharedBuildkit} to start a daemon of its own`
    : process.getuid?.() !== 0
      ? 'its own BuildKit daemon runs as root'
      : undefined;
  if (reason !== undefined) console.log(`skipping ${suite}: ${reason}`);
  return reason;
}

/** Starts a daemon of its own (../shared/buildkit/start) allowed plain HTTP to `registry`. */
export async function startOwnBuildkitDaemon(registry: string): Promise<OwnBuildkitDaemon> {
  const state = await mkdtemp(join(tmpdir(), 'deployer-own-buildkit-'));
  const bin = (await execa(join(sharedBuildkit, 'build'))).stdout.trim();
  const started = await execa(join(sharedBuildkit, 'start'), [state, registry]);
  const host = /BUILDKIT_HOST=(\S+)/.exec(started.stdout)?.[1];
  if (host === undefined) throw new Error(`no daemon started: ${started.stdout}${started.stderr}`);
  return {
    host,
    async prune() {
      await execa(join(bin, 'buildctl'), ['--addr', host, 'prune', '--all']);
    },
    async stop() {
      await execa(join(sharedBuildkit, 'stop'), [state]);
      await rm(state, { recursive: true, force: true });
    },
  };
}
