import type { BuildUuid } from '@deployer/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isOwnershipTag,
  loadEnvironment,
  ownershipTag,
  parseOwnershipTag,
  planEnvironment,
  SpecError,
} from '../src/index.js';
import { isContentTag } from '../src/plan/content-tag-shape.js';
import { engineRequest } from '../src/plan/engine-request.js';
import { buildUuidMaxLength, generateBuildUuid, isBuildUuid } from '../src/uuid/build-uuid.js';
import { validUuid, validUuids } from './support/build-uuids.js';
import { createFixture, type Fixture, serviceFiles } from './support/fixture.js';

/** The OCI distribution spec's tag grammar: at most 128 characters. */
const ociTag = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const content = (seed: number) => seed.toString(16).padStart(8, '0').repeat(8);

describe('ownership tags', () => {
  it('fit the OCI tag limit with the longest build uuid and a whole content tag', () => {
    const longest = `${'a'.repeat(30)}-${'b'.repeat(32)}`;
    expect(longest).toHaveLength(buildUuidMaxLength);
    expect(isBuildUuid(longest)).toBe(true);
    const tag = ownershipTag(validUuid(longest), content(1));
    expect(tag).toHaveLength(128);
    expect(tag).toMatch(ociTag);
    expect(parseOwnershipTag(tag)).toEqual({ buildUuid: longest, contentTag: content(1) });
  });

  it('are injective: every tag parses back to its one pair', () => {
    const uuids = [
      ...validUuids('main', 'pr-1', 'pr-12', 'pr-1-2', 'a', '0'),
      ...Array.from({ length: 50 }, () => generateBuildUuid()),
    ];
    const contents = Array.from({ length: 20 }, (_, index) => content(index * 7919 + 1));
    const seen = new Map<string, string>();
    for (const buildUuid of uuids) {
      for (const contentTag of contents) {
        const tag = ownershipTag(buildUuid, contentTag);
        expect(tag).toMatch(ociTag);
        expect(parseOwnershipTag(tag)).toEqual({ buildUuid, contentTag });
        const pair = `${buildUuid} ${contentTag}`;
        expect(seen.get(tag) ?? pair).toBe(pair);
        seen.set(tag, pair);
      }
    }
  });

  it('are never a build uuid nor a content tag, and nothing else parses as one', () => {
    const tag = ownershipTag(validUuid('pr-1'), content(2));
    expect(isBuildUuid(tag)).toBe(false);
    expect(isContentTag(tag)).toBe(false);
    expect(isOwnershipTag(tag)).toBe(true);
    for (const other of [
      'main',
      'pr-1',
      content(2),
      'v1.2.3',
      '0123abc',
      `pr-1.${content(2).slice(1)}`,
      `pr-1.${content(2)}0`,
      `PR-1.${content(2)}`,
      `pr-1.${'abcdef12'.repeat(8).toUpperCase()}`,
      `pr-1..${content(2)}`,
      `pr-1.${content(2)}.x`,
      `.${content(2)}`,
      `pr--1.${content(2)}`,
      `-pr.${content(2)}`,
      `${'a'.repeat(64)}.${content(2)}`,
      'cache',
      `cache--run-000000000-${content(3).slice(0, 12)}`,
    ]) {
      expect(parseOwnershipTag(other), other).toBeNull();
    }
  });

  it('refuse a build uuid or content tag of another shape, a forged BuildUuid included', () => {
    // A cast can forge the brand: the tag's injectivity rests on the rule, so the tag asks it again.
    const forged = (value: string) => value as BuildUuid;
    expect(() => ownershipTag(forged('PR-1'), content(1))).toThrow(TypeError);
    expect(() => ownershipTag(forged('pr.1'), content(1))).toThrow(TypeError);
    expect(() => ownershipTag(forged('a'.repeat(64)), content(1))).toThrow(TypeError);
    expect(() => ownershipTag(validUuid('pr-1'), 'v1.2.3')).toThrow(TypeError);
    expect(() => ownershipTag(validUuid('pr-1'), content(1).slice(0, 12))).toThrow(TypeError);
  });
});

describe("a spec's fixed tag", () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.remove();
    fixture = undefined;
  });

  it('cannot take the shape of an ownership tag, which down and cache gc remove by name', async () => {
    fixture = await createFixture(serviceFiles(['web']));
    const file = await fixture.writeSpec({
      registry: { host: 'registry.example.test', repository: 'shop' },
      services: { web: { context: 'web', tag: `pr-1.${content(4)}` } },
    });
    const error = await loadEnvironment(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).message).toContain('services.web.tag');
    expect((error as SpecError).message).toContain('cannot look like an ownership tag');
    await fixture.writeSpec({
      registry: { host: 'registry.example.test', repository: 'shop' },
      services: { web: { context: 'web', tag: 'v1.2.3' } },
    });
    expect((await loadEnvironment(file)).services[0]!.tag).toBe('v1.2.3');
  });
});

describe('which images get an ownership tag', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.remove();
    fixture = undefined;
  });

  it('content-tagged ones, pushed first; never a git sha or a fixed tag', async () => {
    fixture = await createFixture(serviceFiles(['web', 'api']));
    const env = await loadEnvironment(
      await fixture.writeSpec({
        registry: { host: 'registry.example.test', repository: 'shop' },
        services: { web: { context: 'web' }, api: { context: 'api', tag: 'v1.2.3' } },
      }),
    );
    const plan = await planEnvironment(env, { buildUuid: validUuid('pr-7') });
    const [web, api] = plan.services as [(typeof plan.services)[0], (typeof plan.services)[0]];
    expect(web.ownershipImage).toBe(`registry.example.test/shop/web:pr-7.${web.tag}`);
    expect(engineRequest(plan, web).images).toEqual([web.ownershipImage, web.image, web.environmentImage]);
    expect(api.ownershipImage).toBeNull();
    expect(engineRequest(plan, api).images).toEqual([api.image, api.environmentImage]);
    const bySha = await planEnvironment(env, { buildUuid: validUuid('pr-7'), gitSha: '0123abc' });
    expect(bySha.services.map((service) => service.ownershipImage)).toEqual([null, null]);
  });
});
