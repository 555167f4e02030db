import { describe, expect, it } from 'vitest';
import { cacheFlavourOf, engineChoices } from '../src/engine/engine-names.js';

describe('cacheFlavourOf', () => {
  it('gives buildah its own flavour and BuildKit to buildkit, buildx and auto', () => {
    expect(Object.fromEntries(engineChoices.map((engine) => [engine, cacheFlavourOf(engine)]))).toEqual({
      auto: 'buildkit',
      buildkit: 'buildkit',
      buildah: 'buildah',
      buildx: 'buildkit',
    });
  });
});
