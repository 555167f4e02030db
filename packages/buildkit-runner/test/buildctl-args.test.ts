import { describe, expect, it } from 'vitest';
import { parseBuildkitAddress } from '../src/command-line/address.js';
import { buildctlArgs } from '../src/command-line/buildctl-args.js';
import { type BuildCommandRequest, validateBuildRequest } from '../src/command-line/validate-request.js';
import { BuildkitError } from '../src/failures/errors.js';
import { fixturePlan, R } from './helpers.js';

const files = { traceFile: '/tmp/run/trace.jsonl', metadataFile: '/tmp/run/metadata.json' };
const tail = ['--metadata-file', files.metadataFile, '--trace', files.traceFile, '--progress', 'plain'];

function request(extra: Partial<BuildCommandRequest> = {}): BuildCommandRequest {
  return {
    contextDir: '/src/shop',
    dockerfile: 'Dockerfile',
    images: [`${R}/shop/web:main-1`],
    cache: fixturePlan('main'),
    ...extra,
  };
}

const ownCache = `${R}/cache/shop/web/main:cache`;
const cacheArgs = [
  '--export-cache',
  `type=registry,ref=${ownCache},mode=max,oci-mediatypes=true,registry.insecure=true,ignore-error=true`,
  '--import-cache',
  `type=registry,ref=${ownCache},registry.insecure=true`,
];

describe('buildctlArgs', () => {
  it('builds the minimal command: frontend, locals, image output, cache, metadata and trace', () => {
    expect(buildctlArgs(request(), files)).toEqual([
      'build',
      '--frontend',
      'dockerfile.v0',
      '--local',
      'context=/src/shop',
      '--local',
      'dockerfile=/src/shop',
      '--opt',
      'filename=Dockerfile',
      '--output',
      `type=image,name=${R}/shop/web:main-1,push=true,registry.insecure=true`,
      ...cacheArgs,
      ...tail,
    ]);
  });

  it('passes every request option', () => {
    const args = buildctlArgs(
      request({
        dockerfile: 'docker/web.Dockerfile',
        target: 'runtime',
        platforms: ['linux/amd64', 'linux/arm64'],
        buildArgs: { NODE_VERSION: '20', GREETING: 'a=b, c' },
        labels: { 'org.opencontainers.image.revision': '3f2a' },
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN' },
          { id: 'gcloud', file: '/run/secrets/gcloud.json' },
        ],
        images: ['registry.example/shop/web:3f2a', 'registry.example/shop/web:main'],
        insecureRegistries: [],
        cache: fixturePlan('wandering-credit-924200', ['main'], { insecure: false }),
      }),
      files,
    );
    const cache = `${R}/cache/shop/web`;
    expect(args).toEqual([
      'build',
      '--frontend',
      'dockerfile.v0',
      '--local',
      'context=/src/shop',
      '--local',
      'dockerfile=/src/shop/docker',
      '--opt',
      'filename=web.Dockerfile',
      '--opt',
      'target=runtime',
      '--opt',
      'platform=linux/amd64,linux/arm64',
      '--opt',
      'build-arg:NODE_VERSION=20',
      '--opt',
      'build-arg:GREETING=a=b, c',
      '--opt',
      'label:org.opencontainers.image.revision=3f2a',
      '--secret',
      'id=npm,env=NPM_TOKEN',
      '--secret',
      'id=gcloud,src=/run/secrets/gcloud.json',
      '--output',
      'type=image,"name=registry.example/shop/web:3f2a,registry.example/shop/web:main",push=true',
      '--export-cache',
      `type=registry,ref=${cache}/wandering-credit-924200:cache,mode=max,oci-mediatypes=true,ignore-error=true`,
      '--import-cache',
      `type=registry,ref=${cache}/wandering-credit-924200:cache`,
      '--import-cache',
      `type=registry,ref=${cache}/main:cache`,
      ...tail,
    ]);
  });

  it('puts the daemon address and TLS flags before the build command', () => {
    const address = parseBuildkitAddress('tcp://buildkitd.internal:1234');
    const tls = { ca: '/tls/ca.pem', cert: '/tls/cert.pem', key: '/tls/key.pem', serverName: 'buildkitd' };
    expect(buildctlArgs(request(), { ...files, address, tls }).slice(0, 11)).toEqual([
      '--addr',
      'tcp://buildkitd.internal:1234',
      '--tlsservername',
      'buildkitd',
      '--tlscacert',
      '/tls/ca.pem',
      '--tlscert',
      '/tls/cert.pem',
      '--tlskey',
      '/tls/key.pem',
      'build',
    ]);
    expect(buildctlArgs(request(), { ...files, address, tls: { dir: '/tls' } }).slice(0, 5)).toEqual([
      '--addr',
      'tcp://buildkitd.internal:1234',
      '--tlsdir',
      '/tls',
      'build',
    ]);
  });

  it.each([
    'unix:///run/buildkit/buildkitd.sock',
    'docker-container://buildx_buildkit_default',
    'kube-pod://buildkitd-0?namespace=ci',
  ])('passes the address %s through --addr', (address) => {
    expect(buildctlArgs(request(), { ...files, address: parseBuildkitAddress(address) }).slice(0, 3)).toEqual(
      ['--addr', address, 'build'],
    );
  });

  it('resolves a relative context and an absolute Dockerfile outside it', () => {
    const args = buildctlArgs(
      request({ contextDir: 'app', dockerfile: '/dockerfiles/web/Dockerfile.prod' }),
      files,
    );
    expect(args).toContain(`context=${process.cwd()}/app`);
    expect(args).toContain('dockerfile=/dockerfiles/web');
    expect(args).toContain('filename=Dockerfile.prod');
  });

  it('marks the output insecure only when an image registry is plain HTTP', () => {
    const secure = request({
      images: ['registry.example/shop/web:1'],
      cache: fixturePlan('main', [], { insecure: false }),
    });
    expect(buildctlArgs(secure, files)).toContain('type=image,name=registry.example/shop/web:1,push=true');
    const listed = { ...secure, insecureRegistries: ['registry.example'] };
    expect(buildctlArgs(listed, files)).toContain(
      'type=image,name=registry.example/shop/web:1,push=true,registry.insecure=true',
    );
  });

  it('leaves out imports named in withoutImports (a corrupt fallback)', () => {
    const plan = fixturePlan('silent-lake-300001', ['main']);
    const args = buildctlArgs(request({ cache: plan }), {
      ...files,
      withoutImports: [`${R}/cache/shop/web/main:cache`],
    });
    expect(args.filter((arg) => arg.includes('main:cache'))).toEqual([]);
    expect(args).toContain(
      `type=registry,ref=${R}/cache/shop/web/silent-lake-300001:cache,registry.insecure=true`,
    );
  });

  it('pushes the image to the inline cache ref as well when the registry refuses mode=max', () => {
    const plan = fixturePlan('main', [], { insecure: false, profile: { acceptsModeMax: false } });
    const args = buildctlArgs(request({ cache: plan, images: [`${R}/shop/web:main-1`] }), files);
    expect(args).toContain(`type=image,"name=${R}/shop/web:main-1,${R}/cache/shop/web/main:cache",push=true`);
    expect(args.slice(args.indexOf('--export-cache'), args.indexOf('--export-cache') + 2)).toEqual([
      '--export-cache',
      'type=inline',
    ]);
  });

  it('writes no cache export without a build uuid', () => {
    const args = buildctlArgs(request({ cache: fixturePlan(null) }), files);
    expect(args).not.toContain('--export-cache');
    expect(args).toContain('--import-cache');
  });
});

describe('secrets never reach argv', () => {
  it('passes env and file secrets by name only, never as build args', () => {
    const args = buildctlArgs(
      request({
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN' },
          { id: 'key', file: '/run/secrets/key' },
        ],
      }),
      files,
    );
    expect(args.filter((_arg, index) => args[index - 1] === '--secret')).toEqual([
      'id=npm,env=NPM_TOKEN',
      'id=key,src=/run/secrets/key',
    ]);
    expect(args.filter((arg) => arg.startsWith('build-arg:'))).toEqual([]);
  });
  // The engine test runs a recording buildctl with the secret's value in its environment and checks
  // that the value appears nowhere in the argv it received.
});

describe('validateBuildRequest', () => {
  it.each<[string, Partial<BuildCommandRequest>, RegExp]>([
    ['no images', { images: [] }, /images is empty/],
    ['a bad image', { images: ['Shop/Web:1'] }, /image "Shop\/Web:1"/],
    ['a secret id with a comma', { secrets: [{ id: 'a,src=/etc/shadow', env: 'X' }] }, /secret id/],
    [
      'a duplicate secret id',
      {
        secrets: [
          { id: 'a', env: 'X' },
          { id: 'a', env: 'Y' },
        ],
      },
      /appears twice/,
    ],
    ['an env name with =', { secrets: [{ id: 'a', env: 'X=1' }] }, /no env name/],
    ['a file path with a comma', { secrets: [{ id: 'a', file: '/x,env=Y' }] }, /comma/],
    ['a platform list in one entry', { platforms: ['linux/amd64,linux/arm64'] }, /platform/],
    ['a build arg name with =', { buildArgs: { 'A=B': '1' } }, /build arg name/],
    ['a label key with a space', { labels: { 'a b': '1' } }, /label key/],
    ['a target with a space', { target: 'a b' }, /target/],
  ])('rejects %s', (_, extra, message) => {
    let thrown: unknown;
    try {
      validateBuildRequest(request(extra));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BuildkitError);
    expect((thrown as BuildkitError).code).toBe('INVALID_REQUEST');
    expect((thrown as BuildkitError).message).toMatch(message);
  });

  it('accepts a full request', () => {
    expect(() =>
      validateBuildRequest(
        request({
          target: 'runtime',
          platforms: ['linux/arm64/v8'],
          buildArgs: { NODE_VERSION: '20' },
          labels: { 'org.opencontainers.image.source': 'x' },
          secrets: [{ id: 'npm.token', env: 'NPM_TOKEN' }],
        }),
      ),
    ).not.toThrow();
  });
});
