import type { BuildUuid } from '@deployer/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  BuildUuidError,
  type Environment,
  generateBuildUuid,
  isBuildUuid,
  isInputError,
  type PlanOptions,
  validateBuildUuid,
} from '../src/index.js';

function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length]!;
}

describe('generateBuildUuid', () => {
  it('produces adjective-noun-NNNNNN that validates', () => {
    for (let i = 0; i < 200; i++) {
      const uuid = generateBuildUuid();
      expect(uuid).toMatch(/^[a-z]+-[a-z]+-\d{6}$/);
      expect(validateBuildUuid(uuid)).toBe(uuid);
    }
  });

  it('is determined by the injected randomness', () => {
    const a = generateBuildUuid({ random: sequence(0.9242, 0.5, 0.1) });
    const b = generateBuildUuid({ random: sequence(0.9242, 0.5, 0.1) });
    expect(a).toBe(b);
    expect(a).not.toBe(generateBuildUuid({ random: sequence(0.1, 0.5, 0.9242) }));
    // The number takes the first draw; zero pads to six digits and a draw of 1 never overflows.
    expect(generateBuildUuid({ random: sequence(0.000001, 0, 0) })).toMatch(/-000001$/);
    expect(generateBuildUuid({ random: () => 0.9999999999 })).toMatch(/-999999$/);
  });
});

describe('validateBuildUuid', () => {
  it.each(['main', 'wandering-credit-924200', 'pr-42', 'a'.repeat(63)])('accepts %s', (uuid) => {
    expect(validateBuildUuid(uuid)).toBe(uuid);
    expect(isBuildUuid(uuid)).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['Main', 'lower-case'],
    ['feature/login', 'lower-case'],
    ['double--dash', 'lower-case'],
    ['-leading', 'lower-case'],
    ['trailing-', 'lower-case'],
    ['dot.ted', 'lower-case'],
    ['a'.repeat(64), 'at most 63'],
  ])('rejects %j naming the source', (uuid, rule) => {
    const error = (() => {
      try {
        validateBuildUuid(uuid, '--uuid');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(BuildUuidError);
    expect(isInputError(error)).toBe(true);
    expect((error as BuildUuidError).source).toBe('--uuid');
    expect((error as Error).message).toContain('--uuid');
    expect((error as Error).message).toContain(rule);
    expect(isBuildUuid(uuid)).toBe(false);
  });
});

describe('BuildUuid, the brand the rule gives', () => {
  it('is made only by the rule, and is what the spec, the plan and planCache take (typechecked)', () => {
    expectTypeOf(validateBuildUuid).returns.toEqualTypeOf<BuildUuid>();
    expectTypeOf(generateBuildUuid).returns.toEqualTypeOf<BuildUuid>();
    expectTypeOf<Environment['fallbacks']>().toEqualTypeOf<BuildUuid[]>();
    expectTypeOf<PlanOptions['buildUuid']>().toEqualTypeOf<BuildUuid>();
    expectTypeOf<string>().not.toExtend<BuildUuid>();
    const given: string = 'pr-7';
    if (isBuildUuid(given)) expectTypeOf(given).toEqualTypeOf<BuildUuid>();
    // The brand is type-only: at run time a BuildUuid is the string itself.
    expect(validateBuildUuid(given)).toBe('pr-7');
    expect(typeof generateBuildUuid()).toBe('string');
  });
});
