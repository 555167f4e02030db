import { describe, expect, it } from 'vitest';
import { buildahBuildArgs } from '../src/command-line/args.js';
import { renderRegistriesConf } from '../src/command-line/registries-conf.js';
import { BuildahError } from '../src/failures/errors.js';

const minimal = { contextDir: '/src/web', dockerfile: 'Dockerfile', images: ['reg.example/shop/web:abc'] };
const context = {
  isolation: 'chroot' as const,
  cacheFrom: null,
  cacheTo: null,
  iidFile: '/tmp/b/iid',
  authFile: null,
};

describe('buildahBuildArgs', () => {
  it('builds a minimal request with layers, the resolved Dockerfile and the image tag', () => {
    expect(buildahBuildArgs(minimal, context)).toEqual([
      'build',
      '--isolation=chroot',
      '--layers',
      '--file=/src/web/Dockerfile',
      '--iidfile=/tmp/b/iid',
      '--tag=reg.example/shop/web:abc',
      '/src/web',
    ]);
  });

  it('renders every option', () => {
    const args = buildahBuildArgs(
      {
        contextDir: '/src/web',
        dockerfile: '/elsewhere/Containerfile',
        target: 'runtime',
        buildArgs: { NODE_ENV: 'production', FLAG: '-x' },
        labels: { 'org.opencontainers.image.revision': '3f2a' },
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN' },
          { id: 'key', file: '/run/keys/deploy' },
        ],
        platforms: ['linux/arm64'],
        images: ['reg.example/shop/web:abc', 'reg.example/shop/web:latest'],
      },
      {
        isolation: 'oci',
        cacheFrom: 'reg.example/cache/shop/web/main',
        cacheTo: 'reg.example/cache/shop/web/env-1',
        iidFile: '/tmp/b/iid',
        authFile: '/home/u/.docker/config.json',
        retryDelayMs: 250,
        jobs: 2,
      },
    );
    expect(args).toEqual([
      'build',
      '--isolation=oci',
      '--layers',
      '--file=/elsewhere/Containerfile',
      '--iidfile=/tmp/b/iid',
      '--authfile=/home/u/.docker/config.json',
      '--retry-delay=250ms',
      '--jobs=2',
      '--platform=linux/arm64',
      '--target=runtime',
      '--build-arg=NODE_ENV=production',
      '--build-arg=FLAG=-x',
      '--label=org.opencontainers.image.revision=3f2a',
      '--secret=id=npm,env=NPM_TOKEN',
      '--secret=id=key,src=/run/keys/deploy',
      '--cache-to=reg.example/cache/shop/web/env-1',
      '--cache-from=reg.example/cache/shop/web/main',
      '--tag=reg.example/shop/web:abc',
      '--tag=reg.example/shop/web:latest',
      '/src/web',
    ]);
  });

  it('refuses several platforms, naming the engine that can build them', () => {
    const build = () => buildahBuildArgs({ ...minimal, platforms: ['linux/amd64', 'linux/arm64'] }, context);
    expect(build).toThrow(BuildahError);
    expect(build).toThrow(/buildkit engine/);
  });
});

describe('renderRegistriesConf', () => {
  it('appends one insecure entry per registry to the base config', () => {
    const conf = renderRegistriesConf('unqualified-search-registries = ["docker.io"]', [
      '127.0.0.1:5000',
      'registry.local',
      '127.0.0.1:5000',
    ]);
    expect(conf.startsWith('unqualified-search-registries = ["docker.io"]\n')).toBe(true);
    expect(conf.match(/\[\[registry\]\]/g)).toHaveLength(2);
    expect(conf).toContain('[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n');
    expect(conf).toContain('[[registry]]\nlocation = "registry.local"\ninsecure = true\n');
  });
});
