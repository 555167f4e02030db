import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { processesMatching } from './support/processes.js';
import { missingBuildTools } from './support/stack.js';

const missing = missingBuildTools();
if (missing.length > 0) console.log(`skipping the dev stack test: not installed: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('deployer dev up / status / down', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deployer-dev-'));
  });
  afterAll(async () => {
    await runCli(['dev', 'down', '--dir', dir]);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a registry that outlives the command, seeds the base image, and stops it', async () => {
    const up = await runCli(['dev', 'up', '--dir', dir, '--json']);
    expect(up.exitCode).toBe(0);
    const stack = JSON.parse(up.stdout) as {
      running: boolean;
      registry: string;
      url: string;
      baseImage: string;
    };
    expect(stack.running).toBe(true);
    expect(stack.baseImage).toMatch(
      new RegExp(`^${stack.registry}/base/busybox:latest@sha256:[0-9a-f]{64}$`),
    );
    expect(existsSync(join(dir, 'registry'))).toBe(true);
    expect((await fetch(`${stack.url}/v2/`)).status).toBe(200);

    const again = JSON.parse((await runCli(['dev', 'up', '--dir', dir, '--json'])).stdout) as typeof stack;
    expect(again.registry).toBe(stack.registry);

    const status = await runCli(['dev', 'status', '--dir', dir]);
    expect(status.stdout).toContain(`export DEPLOYER_REGISTRY=${stack.registry}`);

    const down = await runCli(['dev', 'down', '--dir', dir]);
    expect(down.stdout).toContain('local stack stopped');
    expect(await processesMatching(join(dir, 'registry'))).toEqual([]);
    expect(JSON.parse((await runCli(['dev', 'status', '--dir', dir, '--json'])).stdout).running).toBe(false);
  }, 120_000);
});
