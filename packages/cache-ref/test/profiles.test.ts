import { describe, expect, it } from 'vitest';
import { detectRegistryKind, resolveRegistryProfile } from '../src/config/registry-profiles.js';

describe('detectRegistryKind', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'ecr'],
    ['public.ecr.aws', 'ecr'],
    ['europe-west1-docker.pkg.dev', 'gar'],
    ['gcr.io', 'gar'],
    ['eu.gcr.io', 'gar'],
    ['ghcr.io', 'ghcr'],
    ['myregistry.azurecr.io', 'acr'],
    ['docker.io', 'dockerhub'],
    ['registry-1.docker.io', 'dockerhub'],
    ['quay.io', 'quay'],
    ['harbor.example.com', 'harbor'],
    ['127.0.0.1:5000', 'distribution'],
    ['distribution.example:5000', 'distribution'],
  ])('%s is %s', (host, kind) => {
    expect(detectRegistryKind(host)).toBe(kind);
  });

  it.each([
    'ecr.internal.example.com',
    'myecr.example.com',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example',
    'notghcr.io',
    'ghcr.io.example.com',
    'docker.io.example',
    'evil-azurecr.io',
    'quay.io.example',
  ])('%s is only a generic registry', (host) => {
    expect(detectRegistryKind(host)).toBe('distribution');
  });

  it('ignores the port', () => {
    expect(detectRegistryKind('ghcr.io:443')).toBe('ghcr');
  });
});

describe('resolveRegistryProfile', () => {
  it('gives ECR its export attributes', () => {
    expect(resolveRegistryProfile('123456789012.dkr.ecr.eu-west-1.amazonaws.com').exportAttributes).toEqual({
      'image-manifest': 'true',
      'oci-mediatypes': 'true',
    });
  });

  it('lets configuration override detection and single properties', () => {
    expect(resolveRegistryProfile('registry.internal', 'quay').kind).toBe('quay');
    const profile = resolveRegistryProfile('registry.internal', undefined, { nestedPaths: false });
    expect(profile).toMatchObject({ kind: 'distribution', nestedPaths: false, acceptsModeMax: true });
  });
});
