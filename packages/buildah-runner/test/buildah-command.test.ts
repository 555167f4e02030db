import { describe, expect, it } from 'vitest';
import { buildahGlobalArgs, buildahPushArgs } from '../src/index.js';

describe('buildahPushArgs', () => {
  it('turns TLS verification off only for an insecure registry', () => {
    const input = { image: 'abc123', ref: '127.0.0.1:5000/shop/web:1', digestFile: '/tmp/d', authFile: null };
    expect(buildahPushArgs({ ...input, insecure: true })).toEqual([
      'push',
      '--digestfile=/tmp/d',
      '--tls-verify=false',
      'abc123',
      'docker://127.0.0.1:5000/shop/web:1',
    ]);
    expect(buildahPushArgs({ ...input, insecure: false })).toEqual([
      'push',
      '--digestfile=/tmp/d',
      'abc123',
      'docker://127.0.0.1:5000/shop/web:1',
    ]);
  });

  it('passes the auth file and retry delay, and omits the digest file when not wanted', () => {
    expect(
      buildahPushArgs({
        image: 'r/cache/main:k1',
        ref: 'r/cache/env:k1',
        digestFile: null,
        insecure: false,
        authFile: '/cfg/config.json',
        retryDelayMs: 100,
      }),
    ).toEqual([
      'push',
      '--authfile=/cfg/config.json',
      '--retry-delay=100ms',
      'r/cache/main:k1',
      'docker://r/cache/env:k1',
    ]);
  });
});

describe('buildahGlobalArgs', () => {
  it('points buildah at a private storage and, when given, a registries.conf', () => {
    expect(
      buildahGlobalArgs({
        storageRoot: '/s/storage',
        runRoot: '/s/run',
        storageDriver: 'vfs',
        registriesConf: null,
      }),
    ).toEqual(['--root=/s/storage', '--runroot=/s/run', '--storage-driver=vfs']);
    expect(
      buildahGlobalArgs({
        storageRoot: '/s/storage',
        runRoot: '/s/run',
        storageDriver: 'overlay',
        registriesConf: '/s/registries.conf',
      }),
    ).toEqual([
      '--root=/s/storage',
      '--runroot=/s/run',
      '--storage-driver=overlay',
      '--registries-conf=/s/registries.conf',
    ]);
  });
});
