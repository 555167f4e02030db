import { rm } from 'node:fs/promises';
import { unmountUnder } from '@deployer/process';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from './run-cli.js';
import { processesMatching, waitFor } from './support/processes.js';
import { writeSlowEnvironment } from './support/slow-environment.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// Two real `deployer build` processes for one environment, as two CI machines running consecutive
// pushes of one pull request: they only meet through the lease in the registry.
const missing = missingBuildTools();
if (missing.length > 0) console.log(`skipping the supersede suite: not installed: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('two deployer processes building one environment', () => {
  let stack: Stack;
  let dir: string;
  let spec: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ dir, spec } = await writeSlowEnvironment('supersede', ['sleep 20']));
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await unmountUnder(dir);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the newer run supersedes the older mid-build: it stops, the newer builds, no lease remains', async () => {
    const build = (env: Record<string, string>, extra: string[]) =>
      execa('node', [binPath, 'build', '-f', spec, '--uuid', 'pr-7', ...extra], {
        env: { NO_COLOR: '1', ...env },
        reject: false,
        timeout: 90_000,
      });
    const olderEnv = await stack.env();
    const older = build(olderEnv, []);
    const olderSleep = await waitFor(async () =>
      (await processesMatching('20')).find((p) => p.argv.join(' ') === 'sleep 20'),
    );

    const newer = build(await stack.env(), ['--json']);
    const olderResult = await older;
    expect(olderResult.exitCode).toBe(1);
    // Stopped, not left running: no buildah of the older process, and its build step is gone.
    expect(await processesMatching(olderEnv.DEPLOYER_BUILDAH_ROOT!)).toEqual([]);
    await waitFor(
      async () => (await processesMatching('20')).every((p) => p.pid !== olderSleep.pid) || undefined,
      10_000,
    );

    const newerResult = await newer;
    expect(newerResult.stderr).toBe('');
    expect(newerResult.exitCode).toBe(0);
    const report = JSON.parse(newerResult.stdout) as { runId: string; services: { status: string }[] };
    expect(report.services.map((service) => service.status)).toEqual(['built']);
    expect(olderResult.stdout).toMatch(
      new RegExp(`\\] slow: superseded: superseded by run ${report.runId} on \\S+\\n`),
    );
    expect(olderResult.stdout).toContain(`slow: superseded by run ${report.runId}`);

    const client = new RegistryClient({
      host: stack.registry.host,
      insecure: true,
      credentials: 'anonymous',
    });
    for (const repository of await client.listCatalog()) {
      expect(await client.listTags(repository).catch(() => []), repository).not.toContain('lease');
    }
  }, 90_000);
});
