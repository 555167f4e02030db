import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigModule } from '../src/config/load-config-module.js';
import { HookError, runHooks } from '../src/config/run-hooks.js';

// A config's own engines and hooks come first, then each plugin's in order (a function plugin called once);
// under the CLI a hook that throws becomes a HookError naming the hook and the module.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-config-merge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const engine = (name: string) => `{ name: '${name}', cacheFlavour: 'buildkit', create: async () => ({}) }`;

describe('config merging and CLI hooks', () => {
  it('merges the config and its plugins in order', async () => {
    const file = join(dir, 'merged.mjs');
    await writeFile(
      file,
      [
        'globalThis.heard = [];',
        'export default {',
        `  engines: [${engine('own')}],`,
        "  hooks: { afterBuild: () => { globalThis.heard.push('own'); } },",
        '  plugins: [',
        `    () => ({ engines: [${engine('from-function')}], hooks: { afterBuild: () => { globalThis.heard.push('function'); } } }),`,
        `    { engines: [${engine('from-object')}] },`,
        '  ],',
        '};',
      ].join('\n'),
    );
    const config = await loadConfigModule({ flag: file, env: {}, cwd: dir });
    expect(config.file).toBe(file);
    expect(config.engines.map((each) => each.name)).toEqual(['own', 'from-function', 'from-object']);
    await runHooks(config, 'afterBuild', {
      buildUuid: 'quiet-river-123456',
      report: { buildUuid: 'quiet-river-123456', engine: 'own', ok: true, services: [] },
    });
    expect((globalThis as { heard?: string[] }).heard).toEqual(['own', 'function']);
  });

  it('makes a throwing hook a HookError naming the hook, its place and the module', async () => {
    const config = {
      file: '/etc/deployer.config.mjs',
      engines: [],
      hooks: [
        {},
        {
          afterTeardown() {
            throw new Error('receiver down');
          },
        },
      ],
    };
    const error = await runHooks(config, 'afterTeardown', {
      buildUuid: 'quiet-river-123456',
      result: { buildUuid: 'quiet-river-123456', dryRun: false, actions: [] },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HookError);
    expect((error as Error).message).toBe(
      'afterTeardown hook 2 of config module /etc/deployer.config.mjs failed: receiver down',
    );
  });

  it('refuses a plugin whose function throws or returns no plugin config, naming it', async () => {
    const file = join(dir, 'plugins.mjs');
    await writeFile(file, "export default { plugins: [{}, () => { throw new Error('no token'); }] };\n");
    await expect(loadConfigModule({ flag: file, env: {}, cwd: dir })).rejects.toThrow(
      /plugins\[1\] failed: no token/,
    );
    const typo = join(dir, 'typo.mjs');
    await writeFile(typo, 'export default { plugins: [() => ({ hook: {} })] };\n');
    await expect(loadConfigModule({ flag: typo, env: {}, cwd: dir })).rejects.toThrow(
      /plugins\[0\] is not a plugin config/,
    );
  });
});
