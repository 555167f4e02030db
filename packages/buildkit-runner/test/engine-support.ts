import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildEvent, EngineBuildRequest } from '@deployer/contracts';
import { afterEach, beforeEach } from 'vitest';
import { type BuildkitEngineOptions, BuildkitError, createBuildkitEngine } from '../src/index.js';
import { testBuildUuid } from './build-uuids.js';
import { fakesDir, fixtureDir, fixturePlan, R } from './helpers.js';

// What the engine tests share: the fake buildctl binaries, a state directory per test in which the replaying
// fake records each invocation, and engines and requests wired to them.
export const replay = join(fakesDir, 'replay-buildctl.mjs');
export const hanging = join(fakesDir, 'hanging-buildctl.mjs');
export const mainCache = `${R}/cache/shop/web/main:cache`;

/** The current test's state directory (a live binding: a new directory for every test). */
export let state: string;

/** Gives every test of the calling file a fresh state directory, removed after it. */
export function useStateDir(): void {
  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'buildkit-runner-test-'));
  });
  afterEach(() => {
    rmSync(state, { recursive: true, force: true });
  });
}

export interface Invocation {
  case: string;
  argv: string[];
  dockerConfig: string | null;
  secretEnvSet: Record<string, boolean>;
}

export function invocations(): Invocation[] {
  return readdirSync(state)
    .filter((file) => file.startsWith('invocation-'))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((file) => JSON.parse(readFileSync(join(state, file), 'utf8')) as Invocation);
}

export function engine(cases: string[], options: BuildkitEngineOptions = {}) {
  return createBuildkitEngine({
    buildctlPath: replay,
    address: 'unix:///run/buildkit/buildkitd.sock',
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    tracePollMs: 10,
    ...options,
    env: { REPLAY_FIXTURES: fixtureDir, REPLAY_STATE: state, REPLAY_CASES: cases.join(','), ...options.env },
  });
}

export function request(
  buildUuid: string,
  fallbacks: string[],
  extra: Partial<EngineBuildRequest> = {},
): EngineBuildRequest & {
  events: BuildEvent[];
} {
  const events: BuildEvent[] = [];
  return {
    buildUuid: testBuildUuid(buildUuid),
    service: 'web',
    contextDir: join(fixtureDir, 'contexts/ok'),
    dockerfile: 'Dockerfile',
    images: [`${R}/shop/web:${buildUuid}`],
    cache: fixturePlan(buildUuid, fallbacks),
    onEvent: (event) => events.push(event),
    events,
    ...extra,
  };
}

export async function rejection(promise: Promise<unknown>): Promise<BuildkitError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BuildkitError) return error;
    throw error;
  }
  throw new Error('expected the build to fail');
}
