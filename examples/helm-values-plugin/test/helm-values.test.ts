import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookBuildReport } from '@deployer/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmValuesPlugin, helmValuesYaml } from '../src/index.ts';

const report: HookBuildReport = {
  buildUuid: 'quiet-river-123456',
  engine: 'buildkit',
  ok: false,
  services: [
    {
      service: 'web',
      status: 'built',
      image: 'registry.test:5000/shop/web:c0ffee',
      digest: 'sha256:aaa',
      cacheHitRatio: 1,
    },
    {
      service: 'api',
      status: 'skipped',
      image: 'registry.test:5000/shop/api:beef',
      digest: 'sha256:bbb',
      cacheHitRatio: 0,
    },
    {
      service: 'worker',
      status: 'failed',
      image: 'registry.test:5000/shop/worker:f00d',
      digest: null,
      cacheHitRatio: 0,
    },
  ],
};

const expected = `# written by deployer after build quiet-river-123456
buildUuid: "quiet-river-123456"
images:
  "web":
    image: "registry.test:5000/shop/web@sha256:aaa"
    repository: "registry.test:5000/shop/web"
    digest: "sha256:aaa"
  "api":
    image: "registry.test:5000/shop/api@sha256:bbb"
    repository: "registry.test:5000/shop/api"
    digest: "sha256:bbb"
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helm-values-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('helm values hook', () => {
  it('renders every pushed image by digest, port kept, the failed service left out', () => {
    expect(helmValuesYaml(report)).toBe(expected);
  });

  it('writes the file after a build', async () => {
    const file = join(dir, 'values.yaml');
    await helmValuesPlugin({ file }).hooks?.afterBuild?.({ buildUuid: report.buildUuid, report });
    expect(await readFile(file, 'utf8')).toBe(expected);
  });

  it('keeps a name YAML would read as something else one quoted string', () => {
    const odd = { ...report, services: [{ ...report.services[0]!, service: 'yes: no # x' }] };
    expect(helmValuesYaml(odd)).toContain('  "yes: no # x":\n');
  });
});
