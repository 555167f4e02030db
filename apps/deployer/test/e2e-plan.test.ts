import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findFreePort, type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { recordingEngine } from './support/recording-engine.js';
import { missingBuildTools } from './support/stack.js';

// `deployer plan` shows, per service, the argv the engine runs for it (engineArgv): checked here against
// the argv the real engine then receives from `deployer build` for the same environment.
interface PlanJson {
  services: Array<{
    service: string;
    action: string;
    engineArgv: string[];
    engineArgvUnresolved: Array<{ flag: string; candidates: string[] }>;
  }>;
}

let scratch: string;
let spec: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'deployer-plan-test-'));
  await mkdir(join(scratch, 'app'));
  await writeFile(join(scratch, 'app', 'Dockerfile'), 'FROM scratch\nARG GREETING\nCOPY . /app\n');
  await writeFile(join(scratch, 'app', 'hello.txt'), 'hello\n');
  spec = join(scratch, 'env.yaml');
  await writeFile(
    spec,
    [
      'registry: { host: 127.0.0.1:5000, repository: plan, insecure: true }',
      'cache: { repository: plan/cache, strategy: path }',
      'fallbacks: [main]',
      'services:',
      '  app:',
      '    context: app',
      '    args: { GREETING: hi }',
      '    secrets: [{ id: npm, env: NPM_TOKEN }]',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const registryEnv = (host: string) => ({
  DEPLOYER_REGISTRY: host,
  DEPLOYER_INSECURE_REGISTRIES: host,
  NPM_TOKEN: 'npm-token-value-never-in-argv',
});

describe('deployer plan with the registry unreachable', () => {
  it.each(['buildkit', 'buildah'])(
    'prints the whole plan, warns once and exits 0 (%s)',
    async (engine) => {
      const host = `127.0.0.1:${await findFreePort()}`;
      const env = { ...registryEnv(host), DEPLOYER_ENGINE: engine };
      const text = await runCli(['plan', '-f', spec, '--uuid', 'pr-7'], { env });
      expect(text.exitCode, text.stderr).toBe(0);
      const warnings = text.stderr.split('\n').filter((line) => line !== '');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`warning: could not ask registry ${host} .*ECONNREFUSED`));
      expect(text.stdout).toMatch(/^app +unknown +127\.0\.0\.1:\d+\/plan\/app:[0-9a-f]{64} /m);
      expect(text.stdout).toContain(`  run    ${engine === 'buildkit' ? 'buildctl' : 'buildah'} `);

      const json = await runCli(['plan', '-f', spec, '--uuid', 'pr-7', '--json'], { env });
      expect(json.exitCode).toBe(0);
      const plan = JSON.parse(json.stdout) as PlanJson;
      expect(plan.services.map((service) => service.action)).toEqual(['unknown']);
      const [app] = plan.services;
      expect(app!.engineArgv.join(' ')).toContain('id=npm,env=NPM_TOKEN');
      expect(app!.engineArgv.join(' ')).not.toContain('npm-token-value-never-in-argv');
      if (engine === 'buildah') {
        // Which one --cache-from buildah reads depends on which repositories exist: open, candidates named.
        expect(app!.engineArgv).toContain('--cache-from=<unresolved>');
        expect(app!.engineArgvUnresolved).toEqual([
          expect.objectContaining({
            flag: '--cache-from',
            candidates: [`${host}/plan/cache/app/pr-7`, `${host}/plan/cache/app/main`],
          }),
        ]);
      } else {
        expect(app!.engineArgvUnresolved).toEqual([]);
      }

      const build = await runCli(['build', '-f', spec, '--uuid', 'pr-7'], { env });
      expect(build.exitCode).toBe(1);
      expect(build.stderr).toContain('ECONNREFUSED');
    },
    60_000,
  );
});

async function planThenBuild(
  env: Record<string, string>,
  binary: string,
  tempPrefix: string,
): Promise<{ planned: string[]; ran: string[] }> {
  const recording = await recordingEngine(binary, tempPrefix);
  try {
    const withRecording = { ...env, PATH: `${recording.dir}${delimiter}${process.env.PATH}` };
    const args = ['-f', spec, '--uuid', 'pr-8', '--force'];
    const plan = await runCli(['plan', ...args, '--json'], { env: withRecording });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stderr).toBe('');
    const build = await runCli(['build', ...args, '--json'], { env: withRecording });
    expect(build.exitCode, build.stdout + build.stderr).toBe(0);
    const builds = (await recording.runs()).filter((argv) => argv.includes('build'));
    expect(builds).toHaveLength(1);
    const [app] = (JSON.parse(plan.stdout) as PlanJson).services;
    expect(app!.engineArgv[0]).toBe(binary);
    expect(app!.engineArgvUnresolved).toEqual([]);
    // BuildKit exports to a tag of each run's own (start time and run id); the plan shows a stand-in.
    const run = /--run-[0-9a-z]{9}-[0-9a-f]{10}/g;
    const normalise = (argv: string[]) => argv.map((arg) => arg.replace(run, '--run-<run>'));
    return { planned: normalise(app!.engineArgv.slice(1)), ran: normalise(builds[0]!) };
  } finally {
    await rm(recording.dir, { recursive: true, force: true });
  }
}

const missing = missingBuildTools();
describe.skipIf(missing.length > 0)('deployer plan with buildah and a real registry', () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startLocalRegistry();
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it("shows the argv buildah runs, with the one --cache-from the build chooses (the fallback's)", async () => {
    const env = {
      ...registryEnv(registry.host),
      DEPLOYER_ENGINE: 'buildah',
      DEPLOYER_BUILDAH_ROOT: join(scratch, 'buildah-storage'),
    };
    const main = await runCli(['build', '-f', spec, '--uuid', 'main', '--no-fallbacks', '--json'], { env });
    expect(main.exitCode, main.stdout + main.stderr).toBe(0);

    const { planned, ran } = await planThenBuild(env, 'buildah', 'deployer-buildah-');
    expect(planned).toEqual(ran);
    expect(planned.filter((arg) => arg.startsWith('--cache-from='))).toEqual([
      `--cache-from=${registry.host}/plan/cache/app/main`,
    ]);
  }, 180_000);
});

const buildkitSkip = !process.env.BUILDKIT_HOST || !process.env.DEPLOYER_TEST_REGISTRY;
describe.skipIf(buildkitSkip)('deployer plan with a real BuildKit daemon', () => {
  it('shows the argv buildctl runs', async () => {
    const host = process.env.DEPLOYER_TEST_REGISTRY!;
    const env = {
      ...registryEnv(host),
      DEPLOYER_ENGINE: 'buildkit',
      BUILDKIT_HOST: process.env.BUILDKIT_HOST!,
    };
    const { planned, ran } = await planThenBuild(env, 'buildctl', 'deployer-buildkit-');
    expect(planned).toEqual(ran);
    expect(planned.slice(0, 3)).toEqual(['--addr', process.env.BUILDKIT_HOST, 'build']);
    expect(planned).toContain('<temp>/metadata.json');
    expect(planned.join(' ')).toContain('/plan/cache/app/pr-8:cache--run-<run>,');
  }, 180_000);
});
