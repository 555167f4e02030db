import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// `deployer serve` refuses bad input before it opens a database or listens: exit 2, the flag, variable or
// config key named with the rule, and nothing created.
describe('deployer serve: bad input', () => {
  let dir: string;
  const secret = { DEPLOYER_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deployer-serve-input-'));
    await writeFile(
      join(dir, 'good.yaml'),
      'repositories:\n  - name: acme/shop\n    cloneUrl: file:///tmp/none.git\n    spec: deploy/env.yaml\n',
    );
    await writeFile(
      join(dir, 'escaping.yaml'),
      'repositories:\n  - name: acme/shop\n    spec: ../../etc/passwd\n',
    );
    await writeFile(
      join(dir, 'served.yaml'),
      JSON.stringify({
        repositories: [
          { name: 'acme/shop', spec: 'env.yaml', registry: { host: '127.0.0.1:1', repository: 'shop' } },
        ],
      }),
    );
    await writeFile(join(dir, 'not-a-config.mjs'), 'export default { engines: 3 };\n');
    // serve never runs a config module it finds in its working directory (a checkout could put one there).
    await writeFile(
      join(dir, 'deployer.config.mjs'),
      "throw new Error('serve loaded the working directory config');\n",
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['no config', [], secret, /-c\/--config <server\.yaml> \(or DEPLOYER_SERVER_CONFIG\) is required/],
    [
      'no webhook secret',
      ['-c', 'good.yaml'],
      {},
      /DEPLOYER_WEBHOOK_SECRET must be set .* at least 16 characters/,
    ],
    [
      'a short webhook secret',
      ['-c', 'good.yaml'],
      { DEPLOYER_WEBHOOK_SECRET: 'short' },
      /at least 16 characters/,
    ],
    [
      'a short API token',
      ['-c', 'good.yaml'],
      { ...secret, DEPLOYER_API_TOKEN: 'fifteen-chars-x' },
      /DEPLOYER_API_TOKEN must be at least 16 characters \(or unset: no API and no sign-in\)/,
    ],
    [
      'a listen address without a port',
      ['-c', 'good.yaml', '--listen', 'localhost'],
      secret,
      /--listen "localhost" must be host:port/,
    ],
    [
      'a database URL that is not Postgres',
      ['-c', 'good.yaml', '--database-url', 'mysql://db/x'],
      secret,
      /--database-url must be a postgres:\/\/ URL/,
    ],
    [
      'zero jobs at once',
      ['-c', 'good.yaml', '--concurrency', '0'],
      secret,
      /--concurrency must be a whole number from 1 to 64/,
    ],
    [
      'a claim too short to renew',
      ['-c', 'good.yaml', '--claim-seconds', '1'],
      secret,
      /--claim-seconds must be a whole number from 2 to 3600/,
    ],
    [
      'a claim too short to renew, by the deprecated --lease-seconds',
      ['-c', 'good.yaml', '--lease-seconds', '1'],
      secret,
      /--lease-seconds is deprecated, use --claim-seconds\n[\s\S]*--lease-seconds must be a whole number from 2 to 3600/,
    ],
    ['a missing config file', ['-c', 'missing.yaml'], secret, /missing\.yaml/],
    [
      'a config module that exports no config',
      ['-c', 'served.yaml', '--config-module', 'not-a-config.mjs'],
      secret,
      /config module .*not-a-config\.mjs does not export a config: engines: /,
    ],
    [
      'a DEPLOYER_CONFIG_MODULE that is not there',
      ['-c', 'served.yaml'],
      { ...secret, DEPLOYER_CONFIG_MODULE: 'gone.mjs' },
      /DEPLOYER_CONFIG_MODULE "gone\.mjs": no such file/,
    ],
    [
      'a bad engine setting, never loading the working directory config module',
      ['-c', 'served.yaml', '--buildkit-host', 'garbage'],
      secret,
      /^(?![\s\S]*serve loaded the working directory config)[\s\S]*--buildkit-host "garbage"/,
    ],
    [
      'a spec path leaving the repository',
      ['-c', 'escaping.yaml'],
      secret,
      /escaping\.yaml: repositories\[0\]\.spec: .*inside the repository/,
    ],
  ];

  for (const [name, args, env, message] of cases) {
    it(`exits 2 on ${name}, naming it, before creating anything`, async () => {
      const result = await runCli(['serve', ...args, '--state-dir', 'state', '--work-dir', 'work'], {
        env,
        cwd: dir,
      });
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).not.toMatch(/listening/);
      expect(existsSync(join(dir, 'state'))).toBe(false);
      expect(existsSync(join(dir, 'work'))).toBe(false);
    });
  }

  it('takes the deprecated --lease-seconds as --claim-seconds, with one warning, and hides it from --help', async () => {
    const result = await runCli(
      ['serve', '-c', 'good.yaml', '--lease-seconds', '30', '--sweep-minutes', '0', '--state-dir', 'state'],
      { env: secret, cwd: dir },
    );
    expect(result.exitCode, result.stderr).toBe(2);
    // Accepted (the refusal is --sweep-minutes', checked after it), and said once.
    expect(result.stderr.match(/--lease-seconds is deprecated, use --claim-seconds/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/--sweep-minutes must be a whole number/);
    const help = await runCli(['serve', '--help']);
    expect(help.stdout).toMatch(/--claim-seconds <s> +how long a replica's claim of an environment lasts/);
    expect(help.stdout).not.toMatch(/lease/);
  });
});
