import type { BuildUuid } from '@deployer/contracts';
import { validateBuildUuid } from '@deployer/deploy';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  branchBuildUuid,
  branchBuildUuidPattern,
  branchEnvironment,
  branchMatches,
} from '../src/config/branch-environment.js';
import { config } from './helpers/deliveries.js';

describe('branchBuildUuid', () => {
  it('is a valid build uuid, readable, of the branch shape', () => {
    const uuid = branchBuildUuid('release/1.4');
    expect(uuid).toMatch(/^branch-release-1-4-[0-9a-f]{10}$/);
    expect(validateBuildUuid(uuid)).toBe(uuid);
    expect(branchBuildUuidPattern.test(uuid)).toBe(true);
    // Made through deploy's rule where it is made: a BuildUuid like any other.
    expectTypeOf(branchBuildUuid).returns.toEqualTypeOf<BuildUuid>();
  });

  it('keeps names apart that read alike: separators, case, a trailing dash, long common prefixes', () => {
    const long = 'feature/'.padEnd(120, 'x');
    const names = [
      'release/1.4',
      'release-1.4',
      'release_1.4',
      'Release/1.4',
      'RELEASE/1.4',
      'release/1.4-',
      'release//1.4',
      `${long}a`,
      `${long}b`,
      'ü',
      'é',
      '---',
    ];
    const uuids = names.map(branchBuildUuid);
    expect(new Set(uuids).size).toBe(names.length);
    for (const uuid of uuids) {
      expect(validateBuildUuid(uuid)).toBe(uuid);
      expect(uuid.length).toBeLessThanOrEqual(63);
    }
    // A name with nothing readable left is the prefix and the hash alone.
    expect(branchBuildUuid('ü')).toMatch(/^branch-[0-9a-f]{10}$/);
    // The same name always gives the same uuid (every replica, every push).
    expect(branchBuildUuid('release/1.4')).toBe(uuids[0]);
  });

  it('never has a generated pull request uuid shape (adjective-noun-NNNNNN)', () => {
    for (const name of ['wandering-credit-924200', 'main', '123456']) {
      expect(branchBuildUuid(name)).not.toMatch(/^[a-z]+-[a-z]+-\d{6}$/);
      expect(branchBuildUuid(name).startsWith('branch-')).toBe(true);
    }
  });
});

describe('branchEnvironment', () => {
  const [repository] = config([
    { name: 'acme/shop', spec: 'env.yaml', fallback: 'trunk', branches: ['release/*', 'develop'] },
  ]).repositories;
  if (repository === undefined) throw new Error('no repository');

  it('gives the default branch the fallback, a listed branch its own uuid, others none', () => {
    expect(branchEnvironment(repository, 'master', 'master')).toEqual({
      buildUuid: 'trunk',
      isDefault: true,
    });
    expect(branchEnvironment(repository, 'release/1.4', 'master')).toEqual({
      buildUuid: branchBuildUuid('release/1.4'),
      isDefault: false,
    });
    expect(branchEnvironment(repository, 'develop', 'master')?.isDefault).toBe(false);
    expect(branchEnvironment(repository, 'release/1.4/hotfix', 'master')).toBeUndefined();
    expect(branchEnvironment(repository, 'Release/1.4', 'master')).toBeUndefined();
    expect(branchEnvironment(repository, 'feature', 'master')).toBeUndefined();
  });

  it('matches nothing without patterns; ** crosses slashes', () => {
    expect(branchMatches([], 'main')).toBe(false);
    expect(branchMatches(['release/**'], 'release/1.4/hotfix')).toBe(true);
  });
});
