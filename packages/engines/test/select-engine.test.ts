import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandProbe } from '../src/command-probe.js';
import { EngineUnavailableError, selectEngine } from '../src/select-engine.js';

// Real probes against real PATHs: a directory holding only the commands a case should find.
let bin: string;
beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'deployer-engine-'));
});
afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
});

async function fakeCommand(name: string, exitCode: number): Promise<string> {
  const dir = await mkdtemp(join(bin, `${name}-`));
  await writeFile(join(dir, name), `#!/bin/sh\nexit ${exitCode}\n`);
  await chmod(join(dir, name), 0o755);
  return dir;
}

const withPath = (path: string) => commandProbe({ PATH: path });

describe('selectEngine', () => {
  it('takes an explicit engine as asked', async () => {
    expect((await selectEngine('buildah', {})).engine).toBe('buildah');
  });

  it('picks BuildKit when DEPLOYER_BUILDKIT_HOSTS lists a pool', async () => {
    const hosts = 'tcp://10.0.0.1:1234,dns://buildkitd.ci:1234';
    const selection = await selectEngine('auto', { DEPLOYER_BUILDKIT_HOSTS: hosts });
    expect(selection).toEqual({ engine: 'buildkit', reason: `DEPLOYER_BUILDKIT_HOSTS is ${hosts}` });
  });

  it('picks BuildKit when BUILDKIT_HOST is set', async () => {
    const selection = await selectEngine('auto', { BUILDKIT_HOST: 'tcp://127.0.0.1:1234' });
    expect(selection).toEqual({ engine: 'buildkit', reason: 'BUILDKIT_HOST is tcp://127.0.0.1:1234' });
  });

  it('picks docker buildx when docker and its buildx answer', async () => {
    const docker = await fakeCommand('docker', 0);
    expect((await selectEngine('auto', {}, withPath(docker))).engine).toBe('buildx');
  });

  it('passes over a docker that does not answer, to buildah', async () => {
    const docker = await fakeCommand('docker', 1);
    const buildah = await fakeCommand('buildah', 0);
    expect((await selectEngine('auto', {}, withPath(`${docker}:${buildah}`))).engine).toBe('buildah');
  });

  it('names what to install when nothing is there', async () => {
    const empty = await mkdtemp(join(bin, 'empty-'));
    const error = await selectEngine('auto', {}, withPath(empty)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toMatch(/BUILDKIT_HOST.*buildx.*apt-get install buildah/);
  });
});
