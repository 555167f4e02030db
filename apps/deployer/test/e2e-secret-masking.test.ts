import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { buildkitSkipReason } from './support/buildkit-daemon.js';
import {
  type SecretEnvironment,
  secretPrintingSteps,
  writeSecretEnvironment,
} from './support/secret-environment.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// RUN steps that print a build secret (as is, multi-line, base64, split across log chunks) and fail, built
// by real engines through the `deployer` binary: no form of the value may reach stdout, stderr or --json.

interface Report {
  ok: boolean;
  services: Array<{ service: string; status: string; reason?: string; failure?: { logTail?: string[] } }>;
}

const services = Object.keys(secretPrintingSteps);

/** Builds the environment twice (--json and plain output) and checks both for every form of the secret. */
async function expectMasked(environment: SecretEnvironment, env: Record<string, string>): Promise<void> {
  const runEnv = { ...env, [environment.tokenVariable]: environment.token };
  const args = ['build', '-f', environment.specFile, '--force', '--keep-going', '--concurrency', '2'];
  const json = await runCli([...args, '--json'], { env: runEnv });
  const plain = await runCli(args, { env: runEnv });

  for (const [name, output] of [
    ['--json stdout', json.stdout],
    ['--json stderr', json.stderr],
    ['plain stdout', plain.stdout],
    ['plain stderr', plain.stderr],
  ] as const) {
    for (const value of environment.forbidden) expect(output, `${name} shows ${value}`).not.toContain(value);
  }
  expect(json.exitCode, json.stderr).toBe(1);
  expect(plain.exitCode, plain.stderr).toBe(1);

  const report = JSON.parse(json.stdout) as Report;
  expect(report.services.map((service) => service.service).sort()).toEqual([...services].sort());
  for (const service of report.services) {
    // Each step failed on its own `exit 1`, and its log tail shows the mark where the value was.
    expect(service.status, service.service).toBe('failed');
    expect(service.failure?.logTail, service.service).toContainEqual(expect.stringContaining('***'));
  }
  const chunked = report.services.find((service) => service.service === 'chunked')!;
  expect(chunked.failure?.logTail).toContain('***');
  const multiline = report.services.find((service) => service.service === 'multiline')!;
  expect(multiline.failure?.logTail?.filter((line) => line === '***')).toHaveLength(2);
  expect(plain.stdout).toContain('***');
}

const registry = process.env.DEPLOYER_TEST_REGISTRY;
const buildkitSkip = buildkitSkipReason('the BuildKit secret-masking suite');

describe.skipIf(buildkitSkip !== undefined)('secret masking with BuildKit', () => {
  let environment: SecretEnvironment;

  beforeAll(async () => {
    environment = await writeSecretEnvironment(registry!);
  });

  afterAll(async () => {
    if (environment) await rm(environment.dir, { recursive: true, force: true });
  });

  it('never prints a secret a failing step printed', async () => {
    await expectMasked(environment, {
      DEPLOYER_REGISTRY: registry!,
      DEPLOYER_INSECURE_REGISTRIES: registry!,
      DEPLOYER_ENGINE: 'buildkit',
      BUILDKIT_HOST: process.env.BUILDKIT_HOST!,
    });
  }, 240_000);
});

const missing = missingBuildTools();
if (missing.length > 0)
  console.log(`skipping the buildah secret-masking suite: not installed: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('secret masking with buildah', () => {
  let stack: Stack;
  let environment: SecretEnvironment;

  beforeAll(async () => {
    stack = await startStack();
    environment = await writeSecretEnvironment(stack.registry.host);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (environment) await rm(environment.dir, { recursive: true, force: true });
  });

  it('never prints a secret a failing step printed', async () => {
    await expectMasked(environment, await stack.env());
  }, 240_000);
});
