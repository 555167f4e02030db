import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// Every engine setting goes through one assembly (`assembleEngines`), so a bad one is refused alike by
// `deployer build` and by `deployer serve`: exit 2 before anything starts, naming the flag or variable.
// A setting that means something to one entry point and nothing to the other was the bug this guards.
describe('engine settings: the same refusal from build and serve', () => {
  let dir: string;
  const unset = { BUILDKIT_HOST: '', DEPLOYER_BUILDKIT_HOSTS: '', DEPLOYER_ENGINE: 'buildkit' };
  const secrets = {
    DEPLOYER_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length',
    DEPLOYER_API_TOKEN: 'an-api-token-of-enough-length',
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deployer-engine-settings-'));
    await mkdir(join(dir, 'web'));
    await writeFile(join(dir, 'web', 'Dockerfile'), 'FROM scratch\n');
    // Port 1 refuses at once: nothing may be asked of it before the refusal anyway.
    await writeFile(
      join(dir, 'env.yaml'),
      'registry: { host: "127.0.0.1:1", repository: shop, insecure: true }\nservices:\n  web: { context: web }\n',
    );
    await writeFile(
      join(dir, 'server.yaml'),
      JSON.stringify({
        repositories: [
          { name: 'acme/shop', spec: 'env.yaml', registry: { host: '127.0.0.1:1', repository: 'shop' } },
        ],
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'a malformed --buildkit-host',
      ['--buildkit-host', 'tcp://buildkitd'],
      {},
      /--buildkit-host "tcp:\/\/buildkitd": tcp:\/\/ needs host:port/,
    ],
    [
      'a malformed BUILDKIT_HOST',
      [],
      { BUILDKIT_HOST: 'buildkitd:1234' },
      /BUILDKIT_HOST "buildkitd:1234": expected unix:\/\//,
    ],
    [
      'a malformed pool entry',
      [],
      { DEPLOYER_BUILDKIT_HOSTS: 'tcp://127.0.0.1:1,dns://x' },
      /DEPLOYER_BUILDKIT_HOSTS "dns:\/\/x": dns:\/\/ needs a host name and a port/,
    ],
    [
      'a TLS folder without the client key',
      ['--buildkit-host', 'tcp://127.0.0.1:1234'],
      { DEPLOYER_BUILDKIT_TLS_DIR: '/nonexistent/tls' },
      /DEPLOYER_BUILDKIT_TLS_DIR "\/nonexistent\/tls": ca\.pem is missing/,
    ],
    [
      'builds per daemon out of range',
      ['--builds-per-daemon', '0'],
      {},
      /--builds-per-daemon must be a whole number from 1 to 64/,
    ],
    [
      'an unknown buildah storage driver',
      [],
      { DEPLOYER_BUILDAH_STORAGE_DRIVER: 'btrfs' },
      /DEPLOYER_BUILDAH_STORAGE_DRIVER "btrfs": buildah's storage driver must be one of overlay, vfs/,
    ],
  ];

  it.each(cases)('%s', async (_name, flags, env, message) => {
    const build = await runCli(['build', '-f', join(dir, 'env.yaml'), '--uuid', 'pr-1', ...flags], {
      env: { ...unset, ...env },
    });
    expect({ exitCode: build.exitCode, stderr: build.stderr }).toMatchObject({ exitCode: 2 });
    expect(build.stderr).toMatch(message);

    const state = join(dir, `state-${flags.join('-')}-${Object.keys(env).join('-')}`);
    const serve = await runCli(['serve', '-c', join(dir, 'server.yaml'), '--state-dir', state, ...flags], {
      env: { ...unset, ...secrets, ...env },
    });
    expect({ exitCode: serve.exitCode, stderr: serve.stderr }).toMatchObject({ exitCode: 2 });
    expect(serve.stderr).toMatch(message);
    expect(existsSync(state)).toBe(false); // nothing started: no database
  });
});
