import { describe, expect, it } from 'vitest';
import { CacheRefError, formatImageReference, parseImageReference } from '../src/index.js';

function errorOf(fn: () => unknown): CacheRefError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CacheRefError) return error;
    throw error;
  }
  throw new Error('expected a CacheRefError');
}

describe('parseImageReference', () => {
  it('parses host, port, nested path, tag and digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`registry.example:5000/next-web/web/main:cache@${digest}`)).toEqual({
      registry: 'registry.example:5000',
      repository: 'next-web/web/main',
      tag: 'cache',
      digest,
    });
  });

  it('normalises Docker Hub names', () => {
    expect(parseImageReference('busybox')).toEqual({ registry: 'docker.io', repository: 'library/busybox' });
    expect(parseImageReference('acme/web:1')).toEqual({
      registry: 'docker.io',
      repository: 'acme/web',
      tag: '1',
    });
    expect(parseImageReference('index.docker.io/busybox:latest')).toEqual({
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: 'latest',
    });
  });

  it('treats localhost and hosts with a dot or port as registries', () => {
    expect(parseImageReference('localhost/web').registry).toBe('localhost');
    expect(parseImageReference('127.0.0.1:5000/web').registry).toBe('127.0.0.1:5000');
    expect(parseImageReference('[::1]:5000/web').registry).toBe('[::1]:5000');
  });

  it('round-trips through formatImageReference', () => {
    const input = 'ghcr.io/acme/next-web/web:cache-web-main';
    expect(formatImageReference(parseImageReference(input))).toBe(input);
  });

  it.each([
    ['registry.example/Web:1', 'path component "Web"'],
    ['registry.example/web:-bad', 'tag'],
    ['registry.example/web@sha256:abc', 'digest'],
    ['registry.example/web__/x', 'path component "web__"'],
    [`registry.example/${'a'.repeat(260)}`, 'name'],
    ['registry.example:99999/web', 'registry port'],
    ['', 'name'],
  ])('rejects %j naming the part', (input, part) => {
    const error = errorOf(() => parseImageReference(input));
    expect(error.code).toBe('INVALID_REFERENCE');
    expect(error.part).toBe(part);
    expect(error.message).toContain(part);
    expect(error.input).toBe(input);
  });
});
