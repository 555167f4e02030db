import { describe, expect, it } from 'vitest';
import { buildxArgs } from '../src/command-line/buildx-args.js';
import { fixturePlan, R } from './helpers.js';

const metadataFile = '/tmp/run/metadata.json';

describe('buildxArgs', () => {
  it('maps every request option to docker buildx build flags', () => {
    const cache = `${R}/cache/shop/web`;
    const args = buildxArgs(
      {
        contextDir: '/src/shop',
        dockerfile: 'docker/web.Dockerfile',
        target: 'runtime',
        platforms: ['linux/amd64', 'linux/arm64'],
        buildArgs: { NODE_VERSION: '20' },
        labels: { team: 'shop' },
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN' },
          { id: 'gcloud', file: '/run/secrets/gcloud.json' },
        ],
        images: ['registry.example/shop/web:3f2a', 'registry.example/shop/web:main'],
        cache: fixturePlan('wandering-credit-924200', ['main'], { insecure: false }),
      },
      { builder: 'laptop', metadataFile },
    );
    expect(args).toEqual([
      'buildx',
      'build',
      '--builder',
      'laptop',
      '--file',
      '/src/shop/docker/web.Dockerfile',
      '--target',
      'runtime',
      '--platform',
      'linux/amd64,linux/arm64',
      '--build-arg',
      'NODE_VERSION=20',
      '--label',
      'team=shop',
      '--secret',
      'id=npm,env=NPM_TOKEN',
      '--secret',
      'id=gcloud,src=/run/secrets/gcloud.json',
      '--tag',
      'registry.example/shop/web:3f2a',
      '--tag',
      'registry.example/shop/web:main',
      '--push',
      '--cache-to',
      `type=registry,ref=${cache}/wandering-credit-924200:cache,mode=max,oci-mediatypes=true,ignore-error=true`,
      '--cache-from',
      `type=registry,ref=${cache}/wandering-credit-924200:cache`,
      '--cache-from',
      `type=registry,ref=${cache}/main:cache`,
      '--metadata-file',
      metadataFile,
      '--progress=rawjson',
      '/src/shop',
    ]);
  });

  it('pushes over plain HTTP through an explicit image output', () => {
    const args = buildxArgs(
      {
        contextDir: '/src/shop',
        dockerfile: 'Dockerfile',
        images: [`${R}/shop/web:1`],
        cache: fixturePlan('main'),
      },
      { metadataFile, withoutImports: [`${R}/cache/shop/web/main:cache`] },
    );
    expect(args).not.toContain('--push');
    expect(args).toContain('type=image,push=true,registry.insecure=true');
    expect(args).not.toContain('--cache-from');
    expect(args.at(-1)).toBe('/src/shop');
  });
});
