import { describe, expect, it } from 'vitest';
import { BuildkitError, createBuildkitEngine, parseBuildkitAddress } from '../src/index.js';

function failure(run: () => unknown): BuildkitError {
  try {
    run();
  } catch (error) {
    if (error instanceof BuildkitError) return error;
    throw error;
  }
  throw new Error('expected a BuildkitError');
}

describe('parseBuildkitAddress', () => {
  it('accepts the BUILDKIT_HOST forms', () => {
    expect(parseBuildkitAddress('unix:///run/buildkit/buildkitd.sock')).toEqual({
      scheme: 'unix',
      address: 'unix:///run/buildkit/buildkitd.sock',
      path: '/run/buildkit/buildkitd.sock',
    });
    expect(parseBuildkitAddress('tcp://10.0.0.5:1234')).toMatchObject({
      scheme: 'tcp',
      host: '10.0.0.5',
      port: 1234,
    });
    expect(parseBuildkitAddress('tcp://[::1]:1234')).toMatchObject({ host: '[::1]', port: 1234 });
    expect(parseBuildkitAddress('docker-container://buildkitd')).toMatchObject({ container: 'buildkitd' });
    expect(parseBuildkitAddress('kube-pod://buildkitd-0?namespace=ci&container=buildkitd')).toMatchObject({
      pod: 'buildkitd-0',
    });
  });

  it.each([
    ['http://buildkitd:1234', /unsupported scheme "http"/],
    ['buildkitd:1234', /expected unix/],
    ['unix://run/buildkit.sock', /absolute socket path/],
    ['tcp://buildkitd', /host:port/],
    ['tcp://buildkitd:70000', /host:port/],
    ['docker-container://', /container name/],
    ['kube-pod://Pod', /pod name/],
    ['kube-pod://buildkitd-0?image=x', /unknown kube-pod parameter "image"/],
  ])('rejects %s, naming it', (address, rule) => {
    const error = failure(() => parseBuildkitAddress(address));
    expect(error.code).toBe('INVALID_ADDRESS');
    expect(error.message).toContain(JSON.stringify(address));
    expect(error.message).toMatch(rule);
  });
});

describe('engine options', () => {
  it('validates the address when the engine is created', () => {
    expect(failure(() => createBuildkitEngine({ address: 'tcp://nope' })).code).toBe('INVALID_ADDRESS');
  });

  it('takes BUILDKIT_HOST from the given environment', () => {
    expect(failure(() => createBuildkitEngine({ env: { BUILDKIT_HOST: 'ftp://x' } })).message).toContain(
      'ftp://x',
    );
  });

  it('allows TLS only for tcp:// and needs cert and key together', () => {
    const unix = 'unix:///run/buildkit/buildkitd.sock';
    expect(failure(() => createBuildkitEngine({ address: unix, tls: { ca: '/ca.pem' } })).message).toMatch(
      /tcp:\/\//,
    );
    const tcp = 'tcp://buildkitd:1234';
    expect(failure(() => createBuildkitEngine({ address: tcp, tls: { cert: '/c.pem' } })).message).toMatch(
      /cert and key/,
    );
    expect(
      createBuildkitEngine({ address: tcp, tls: { ca: '/ca.pem', cert: '/c.pem', key: '/k.pem' } }).name,
    ).toBe('buildkit');
  });

  it('keeps buildctl and buildx options apart', () => {
    expect(failure(() => createBuildkitEngine({ driver: 'buildx', address: 'tcp://b:1' })).code).toBe(
      'INVALID_OPTIONS',
    );
    expect(failure(() => createBuildkitEngine({ builder: 'laptop' })).code).toBe('INVALID_OPTIONS');
    expect(createBuildkitEngine({ driver: 'buildx', builder: 'laptop' }).driver).toBe('buildx');
  });

  it('rejects a retry policy that cannot run', () => {
    expect(failure(() => createBuildkitEngine({ retry: { attempts: 0 } })).message).toMatch(/retry.attempts/);
  });
});
